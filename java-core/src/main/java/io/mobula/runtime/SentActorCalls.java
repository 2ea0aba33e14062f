package io.mobula.runtime;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.mobula.ActorDiedException;
import io.mobula.ActorUnavailableException;
import io.mobula.MobulaException;

/**
 * The calls of an actor the cluster built on a node (a connected driver's): each call is sent, in
 * mailbox order, and the sending thread goes on to the next without waiting; the answer completes
 * the call on the thread that hears it. Calls in flight fail with the cause of death if the actor
 * dies first; a call whose node died restarts the actor (or it dies) before anything more is sent.
 */
final class SentActorCalls implements ActorCalls {
    private final ActorRecord actor;
    private final NodeRuntime runtime;
    private final ClusterLink link;
    /**
     * Held while a call is taken from the mailbox and sent, or sent by its caller directly, so calls
     * leave in mailbox order whichever thread sends them.
     */
    private final Object sendOrder = new Object();
    /** Calls taken from the mailbox by the actor's threads and not yet sent; guarded by sendOrder. */
    private int sending;
    /** Calls sent whose answers have not come. */
    private final Set<TaskSpec> sent = ConcurrentHashMap.newKeySet();

    SentActorCalls(ActorRecord actor, NodeRuntime runtime, ClusterLink link) {
        this.actor = actor;
        this.runtime = runtime;
        this.link = link;
    }

    /** Sent at once when its arguments are ready and no earlier call waits or is being sent. */
    @Override
    public boolean trySendNow(TaskSpec call) {
        if (!LocalScheduler.argumentsReady(call)) {
            return false;
        }
        synchronized (sendOrder) {
            if (!actor.takesCallsNow() || sending != 0 || !actor.mailboxIsEmpty()) {
                return false;
            }
            if (call.tryStart()) {
                send(call);
            }
            return true;
        }
    }

    /** The next call counts as being sent until {@link #taken}. */
    @Override
    public TaskSpec take(int lane) {
        synchronized (sendOrder) {
            TaskSpec call = actor.pollMailbox(lane);
            if (call != null) {
                sending++;
            }
            return call;
        }
    }

    @Override
    public void taken() {
        synchronized (sendOrder) {
            sending--;
        }
    }

    @Override
    public void run(TaskSpec call) {
        if (call.tryStart()) {
            send(call);
        }
    }

    @Override
    public void failInFlight(MobulaException cause) {
        for (TaskSpec inFlight : sent) {
            inFlight.result.complete(new StoredValues.Failed(cause));
        }
    }

    private void send(TaskSpec call) {
        sent.add(call);
        Object target = actor.instance();
        try {
            Object[] args = runtime.executor().resolveArguments(call, 1);
            args[0] = target;
            link.invokeMethodAsync(call, args, (value, failure) -> completeSent(call, target, value, failure));
            call.detach();
        } catch (Throwable error) {
            completeSent(call, target, null, error);
        }
    }

    /** {@code target}: the instance the call was sent to. */
    private void completeSent(TaskSpec call, Object target, Object value, Throwable failure) {
        sent.remove(call);
        if (call.moreResults != null && failure == null) {
            // Splitting may read the value from its node and store large parts there, both waiting for
            // answers that this thread (the link's reader) delivers: split on a thread of its own.
            Thread.ofVirtual().name("mobula-split-returns").start(() -> storeOutcome(call, target, value, null));
        } else {
            storeOutcome(call, target, value, failure);
        }
    }

    private void storeOutcome(TaskSpec call, Object target, Object value, Throwable failure) {
        Object stored = null;
        Object[] storedEach = null;
        Throwable error = failure;
        if (error == null) {
            try {
                if (call.moreResults != null) { // the node ran it as a call of one value: split it here
                    storedEach = MultipleReturns.marshalEach(runtime, call, value);
                    stored = storedEach[0];
                } else {
                    stored = runtime.marshaller().marshal(value, call.result.id());
                }
            } catch (Throwable e) {
                error = e;
            }
        }
        if (error != null) {
            boolean nodeDied = RetryPolicy.systemFailure(error);
            if (nodeDied) {
                actor.instanceLost(target);
            }
            if (!nodeDied && error instanceof ActorDiedException gone && !(error instanceof ActorUnavailableException)) {
                actor.kill(gone); // its node says it is gone for good (it exited, or died out of restarts): so is this handle
            }
            if (actor.isDead()) {
                stored = new StoredValues.Failed(actor.deathCause());
            } else if (!(error instanceof TaskExecutor.ArgumentFailure) && call.requeueForRetry(error)) {
                actor.requeue(call); // runs again, after the calls queued meanwhile (and after a restart)
                return;
            } else if (nodeDied) {
                stored = new StoredValues.Failed(new ActorUnavailableException("actor " + actor.displayName() + "'s node died while "
                    + "it ran " + call.displayName() + ", so this call is lost; the actor restarts while maxRestarts ("
                    + actor.maxRestarts() + ") allows. Let such calls run again after a restart with maxRetries(n) on the call",
                    error));
            } else {
                stored = runtime.executor().failure(call, error);
            }
        }
        if (!call.finish()) {
            stored = TaskExecutor.cancelled(call);
            storedEach = null;
        }
        runtime.completeResults(call, stored, storedEach);
    }
}
