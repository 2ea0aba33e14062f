package io.mobula.runtime;

import java.util.Map;

import io.mobula.SchedulingStrategy;
import io.mobula.function.RemoteFunction;
import io.mobula.naming.FunctionDescriptor;

/**
 * One unit of work: a task, an actor's creation, or an actor method call. Built by the submitting
 * thread, then handed on (ring, worker, actor mailbox); the fields marked scheduler-owned are
 * touched only by the scheduler thread.
 * <p>
 * State moves QUEUED -> RUNNING -> FINISHED, or to CANCELLED from either of the first two. Moves
 * happen under the spec's monitor, which is also what makes a cancel's interrupt land only on the
 * thread still running this spec and never on the next task that thread picks up.
 */
public final class TaskSpec {
    public enum Kind { TASK, ACTOR_CREATION, ACTOR_CALL }

    static final int QUEUED = 0;
    static final int RUNNING = 1;
    static final int FINISHED = 2;
    static final int CANCELLED = 3;

    final Kind kind;
    final RemoteFunction function;
    final FunctionDescriptor descriptor;
    /** Marshalled values, or {@link ObjectEntry} for a ref argument (resolved before the call). */
    final Object[] args;
    /** Resources held while running (a task) or while alive (an actor). */
    final ResourceVector resources;
    final RetryPolicy retry;
    final ObjectEntry result;
    /** The actor created or called; null for a task. */
    final ActorRecord actor;
    /** The resources asked for, as asked (a connected driver sends them on to the node that places it); null: the default. */
    final Map<String, Double> requested;
    /** Where in the cluster it may run. */
    final SchedulingStrategy strategy;
    /** Runs in a worker process (a task), or lives in one (an actor's creation). */
    final boolean isolated;

    /** An actor call's lane in its actor's mailbox (its concurrency group); set before it is submitted. */
    int actorLane;

    /** An actor call's concurrency group by name; null for the default group (or not an actor call). */
    public String concurrencyGroup() {
        return actor == null || kind != Kind.ACTOR_CALL ? null : actor.concurrencyGroupOf(this);
    }
    private int state = QUEUED;
    private Thread runner;
    private int retriesLeft;

    /** Ref arguments not ready yet; scheduler-owned. */
    int unresolvedArgs;

    TaskSpec(Kind kind, RemoteFunction function, FunctionDescriptor descriptor, Object[] args, ResourceVector resources,
             RetryPolicy retry, ObjectEntry result, ActorRecord actor, Map<String, Double> requested,
             SchedulingStrategy strategy, boolean isolated) {
        this.isolated = isolated;
        this.kind = kind;
        this.function = function;
        this.descriptor = descriptor;
        this.args = args;
        this.resources = resources;
        this.retry = retry;
        this.result = result;
        this.actor = actor;
        this.requested = requested;
        this.strategy = strategy;
        this.retriesLeft = retry.maxRetries();
    }

    /** Moves QUEUED -> RUNNING on the calling thread; false if cancelled first. */
    synchronized boolean tryStart() {
        if (state != QUEUED) {
            return false;
        }
        state = RUNNING;
        runner = Thread.currentThread();
        return true;
    }

    /**
     * Ends a run: RUNNING -> FINISHED. Clears the thread's interrupt flag if a cancel interrupted it,
     * so the flag never leaks into the next task.
     *
     * @return false if the spec was cancelled while it ran.
     */
    synchronized boolean finish() {
        boolean ranHere = runner == Thread.currentThread();
        runner = null;
        if (state == RUNNING) {
            state = FINISHED;
            return true;
        }
        if (ranHere) {
            Thread.interrupted();
        }
        return false;
    }

    /**
     * The calling thread has started the spec elsewhere (a call sent to the cluster) and goes on to
     * other work: a cancel from now on interrupts nobody, and an interrupt a cancel already sent
     * this thread is cleared. The spec stays RUNNING until {@link #finish}, on whichever thread
     * hears the outcome.
     */
    synchronized void detach() {
        if (runner == Thread.currentThread()) {
            runner = null;
            if (state == CANCELLED) {
                Thread.interrupted();
            }
        }
    }

    /**
     * After a failed run, decides whether to run again: true (and back to QUEUED) while retries are
     * left and the policy retries this error; the spec must then be submitted again.
     */
    synchronized boolean requeueForRetry(Throwable error) {
        if (state != RUNNING || retriesLeft <= 0 || !(RetryPolicy.systemFailure(error) || retry.retries(error))) {
            return false;
        }
        retriesLeft--;
        runner = null;
        state = QUEUED;
        return true;
    }

    /** Which run this is: 1 for the first, then one more for each retry. */
    synchronized int attempt() {
        return retry.maxRetries() - retriesLeft + 1;
    }

    /**
     * Cancels: a queued spec never runs; a running one has its thread interrupted.
     *
     * @return true if this call cancelled it (it was queued or running).
     */
    synchronized boolean cancel() {
        if (state == QUEUED) {
            state = CANCELLED;
            return true;
        }
        if (state == RUNNING) {
            state = CANCELLED;
            if (runner != null) {
                runner.interrupt();
            }
            return true;
        }
        return false;
    }

    synchronized boolean isCancelled() {
        return state == CANCELLED;
    }

    /** The function's portable name. */
    public FunctionDescriptor descriptor() {
        return descriptor;
    }

    /** The resources asked for, as asked; null for the default. */
    public Map<String, Double> requested() {
        return requested;
    }

    /** The function it calls. */
    public RemoteFunction function() {
        return function;
    }

    /** Whether it runs (or, an actor, lives) in a worker process. */
    public boolean isolated() {
        return isolated;
    }

    public SchedulingStrategy strategy() {
        return strategy;
    }

    /** How many more runs a failure allows (and so, how many times a lost result may be rebuilt). */
    public int maxRetries() {
        return retry.maxRetries();
    }

    /** Whether it is a task (not an actor's creation or method call). */
    public boolean isTask() {
        return kind == Kind.TASK;
    }

    public String displayName() {
        return descriptor.displayName();
    }

    @Override
    public String toString() {
        return "TaskSpec{" + kind + " " + descriptor.displayName() + " -> " + result.id() + "}";
    }
}
