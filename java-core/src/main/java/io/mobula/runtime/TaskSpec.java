package io.mobula.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.mobula.SchedulingStrategy;
import io.mobula.function.RemoteFunction;
import io.mobula.naming.FunctionDescriptor;
import io.mobula.store.ObjectId;

/**
 * One unit of work: a task, an actor's creation, or an actor method call. Built by the submitting
 * thread, then handed on (ring, worker, actor mailbox); the fields marked scheduler-owned are
 * touched only by the scheduler thread.
 * <p>
 * State moves QUEUED -> RUNNING -> FINISHED, or to CANCELLED from either of the first two. Moves
 * happen under the spec's monitor, which is also what makes a cancel's interrupt land only on the
 * thread still running this spec and never on the next task that thread picks up.
 * <p>
 * A task keeps the tasks submitted from its thread while it runs (its children), so a recursive
 * cancel reaches them; finished ones are dropped as new ones come, so a long task that submits many
 * holds only those not yet done.
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

    /** The job it belongs to (set before it is handed on), or null: its node's own. */
    String jobId;
    /** A task of several returns: the results after the first ({@link #result}); null for one. */
    ObjectEntry[] moreResults;
    /** A streaming generator task's values, as produced; null for any other task. */
    StreamedReturns stream;

    /** An actor call's lane in its actor's mailbox (its concurrency group); set before it is submitted. */
    int actorLane;

    /** An actor call's concurrency group by name; null for the default group (or not an actor call). */
    public String concurrencyGroup() {
        return actor == null || kind != Kind.ACTOR_CALL ? null : actor.concurrencyGroupOf(this);
    }
    private int state = QUEUED;
    private Thread runner;
    /** A cancel asked to kill rather than interrupt (an isolated task's worker process). */
    private boolean forced;
    /** A cancel asked to reach its children too, those it submits from now on included. */
    private boolean recursive;
    /** Cancelled while it ran, and that run has not ended yet: a forced cancel may still follow. */
    private boolean cancelledRunning;
    /** Tasks submitted from this one's thread while it ran; null until the first. */
    private List<TaskSpec> children;
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
        if (cancelledRunning) {
            cancelledRunning = false;
            result.producer(null); // kept for a forced cancel while it ran: nothing left to force
        }
        if (state == RUNNING) {
            children = null; // finished normally: no cancel can reach them through this one now
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
        return cancel(false, false);
    }

    /**
     * Cancels as {@link #cancel()}; {@code force} also marks it to be killed where that is possible
     * (its runner reads {@link #forceCancelled()} when the interrupt wakes it), {@code recursive}
     * marks the children it submits from now on as cancelled on arrival ({@link #addChild}).
     *
     * @return true if this call cancelled it (it was queued or running).
     */
    synchronized boolean cancel(boolean force, boolean recursive) {
        if (state == QUEUED) {
            state = CANCELLED;
            forced = force;
            return true;
        }
        if (state == RUNNING) {
            state = CANCELLED;
            forced = force;
            this.recursive = recursive;
            cancelledRunning = true;
            if (runner != null) {
                runner.interrupt();
            }
            return true;
        }
        return false;
    }

    /**
     * A forced cancel of a spec already cancelled without force: marks it forced and interrupts its
     * runner again, if it still has one, so work that ignored the first interrupt can still be
     * killed (an isolated call's process).
     *
     * @return false if it was not cancelled, or was forced already.
     */
    /**
     * After a cancel without force completed the result (which lets go of its producer): keeps this
     * spec as the result's producer while the cancelled run goes on, so a forced cancel can find it;
     * its end ({@link #finish}) lets go again.
     */
    synchronized void keepForForce() {
        if (cancelledRunning && !forced) {
            result.producer(this);
        }
    }

    synchronized boolean forceAfterCancel() {
        if (state != CANCELLED || forced) {
            return false;
        }
        forced = true;
        if (runner != null) {
            runner.interrupt();
        }
        return true;
    }

    /** Whether it was cancelled. */
    public synchronized boolean isCancelled() {
        return state == CANCELLED;
    }

    /** Whether a cancel asked to kill its work rather than interrupt it. */
    synchronized boolean forceCancelled() {
        return state == CANCELLED && forced;
    }

    /**
     * Records a task submitted from this one's thread while it runs; finished ones are dropped on the
     * way.
     *
     * @return false if this one was cancelled recursively already: the child is to be cancelled
     *         (forced as this one was, {@link #forceCancelled()}).
     */
    synchronized boolean addChild(TaskSpec child) {
        if (state == CANCELLED && recursive) {
            return false;
        }
        if (children == null) {
            children = new ArrayList<>();
        } else if (children.size() >= 64 && Integer.bitCount(children.size()) == 1) {
            children.removeIf(TaskSpec::isDone); // at each doubling: amortised, bounded by those still live
        }
        children.add(child);
        return true;
    }

    /** The tasks submitted from this one's thread while it ran (a copy). */
    synchronized List<TaskSpec> children() {
        return children == null ? List.of() : List.copyOf(children);
    }

    private synchronized boolean isDone() {
        return state == FINISHED || state == CANCELLED;
    }

    /** The id of its result: what names it to the node it is sent to, for a cancel. */
    public ObjectId resultId() {
        return result.id();
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

    /** Every result, in order: the first, then {@link #moreResults}. */
    ObjectEntry[] results() {
        if (moreResults == null) {
            return new ObjectEntry[] {result};
        }
        ObjectEntry[] all = new ObjectEntry[moreResults.length + 1];
        all[0] = result;
        System.arraycopy(moreResults, 0, all, 1, moreResults.length);
        return all;
    }

    /** The task's id as the runtime context names it: its result's id, the same for every run of it. */
    public String taskId() {
        return result.id().toString();
    }

    public String displayName() {
        return descriptor.displayName();
    }

    @Override
    public String toString() {
        return "TaskSpec{" + kind + " " + descriptor.displayName() + " -> " + result.id() + "}";
    }
}
