package io.mobula.runtime;

import java.util.Arrays;

import io.mobula.ActorDiedException;
import io.mobula.ActorUnavailableException;
import io.mobula.MobulaException;
import io.mobula.WorkerCrashedException;
import io.mobula.worker.IsolatedActor;

/**
 * The calls of an actor whose instance is on this node: run on the actor's thread, on the instance
 * (or, isolated, in its worker process). An {@code Error} leaves the instance in an unknown state:
 * the actor restarts or dies; a worker process that dies takes its call with it.
 */
final class LocalActorCalls implements ActorCalls {
    private final ActorRecord actor;
    private final NodeRuntime runtime;

    LocalActorCalls(ActorRecord actor, NodeRuntime runtime) {
        this.actor = actor;
        this.runtime = runtime;
    }

    @Override
    public boolean trySendNow(TaskSpec call) {
        return false; // the actor's own thread runs every call
    }

    @Override
    public TaskSpec take(int lane) {
        return actor.pollMailbox(lane);
    }

    @Override
    public void taken() {
    }

    @Override
    public void failInFlight(MobulaException cause) {
        // calls run on the actor's threads, which fail their own
    }

    @Override
    public void run(TaskSpec call) {
        if (actor.instance() instanceof IsolatedActor worker && !worker.isAlive()) {
            actor.workerDied(worker); // it died between calls: restart before this one, if allowed
            if (actor.isDead()) {
                call.result.complete(new StoredValues.Failed(actor.deathCause()));
                return;
            }
        }
        if (!call.tryStart()) {
            return; // cancelled while queued
        }
        TaskExecutor executor = runtime.executor();
        ExecutionContext context = ExecutionContext.current();
        context.running = call;
        try {
            runOnInstance(call, executor);
        } finally {
            context.running = null;
        }
    }

    private void runOnInstance(TaskSpec call, TaskExecutor executor) {
        Object stored;
        Object[] storedEach = null;
        Throwable fatal = null;
        IsolatedActor crashed = null;
        Object target;
        while (true) {
            // a sibling's fatal error or a kill may be rebuilding the instance: wait for the new one
            target = actor.awaitInstance();
            if (target == null) {
                stored = new StoredValues.Failed(actor.deathCause());
                break;
            }
            try {
                Object[] args = executor.resolveArguments(call, 1);
                Object result;
                if (target instanceof IsolatedActor worker) {
                    result = worker.call(call.descriptor, call.displayName(), Arrays.copyOfRange(args, 1, args.length),
                        () -> actor.requestExit(call));
                } else {
                    args[0] = target;
                    result = call.function.invoke(args);
                }
                if (call.moreResults != null) {
                    storedEach = MultipleReturns.marshalEach(runtime, call, result);
                    stored = storedEach[0];
                } else {
                    stored = runtime.marshaller().marshal(result, call.result.id());
                }
            } catch (Throwable error) {
                ActorDiedException killed = actor.killedUnder(target);
                if (killed != null) {
                    stored = new StoredValues.Failed(killed);
                } else if (actor.isDead()) {
                    stored = new StoredValues.Failed(actor.deathCause());
                } else if (error instanceof WorkerCrashedException crash && target instanceof IsolatedActor worker) {
                    crashed = worker;
                    stored = new StoredValues.Failed(new ActorUnavailableException("actor " + actor.displayName() + " lost its worker "
                        + "process (pid " + crash.pid() + ", exit status " + crash.exitStatus() + ") while running "
                        + call.displayName() + "; this call is lost. The actor restarts in a fresh process while "
                        + "maxRestarts (" + actor.maxRestarts() + ") allows", crash));
                } else if (!(error instanceof TaskExecutor.ArgumentFailure) && call.requeueForRetry(error) && call.tryStart()) {
                    continue;
                } else {
                    stored = executor.failure(call, error);
                    if (error instanceof Error) {
                        fatal = error;
                    }
                }
            }
            break;
        }
        ActorDiedException killed = actor.killedUnder(target);
        if (killed != null) {
            stored = new StoredValues.Failed(killed); // returned after all, but from an instance a kill ended
            storedEach = null;
            fatal = null;
        }
        if (!call.finish()) {
            stored = TaskExecutor.cancelled(call);
            storedEach = null;
        }
        runtime.completeResults(call, stored, storedEach);
        if (fatal != null) {
            actor.onFatal(call, fatal, target);
        }
        if (crashed != null) {
            actor.workerDied(crashed);
        }
        actor.exitIfAsked(); // its result is out: now the actor ends, if the call asked it to
    }
}
