package io.mobula.runtime;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.mobula.MobulaException;
import io.mobula.NodeInfo;
import io.mobula.SchedulingStrategy;

/**
 * A node whose work the cluster places (a connected driver's): it checks nothing against its own
 * resources, holds one forwarding slot per task in flight, and sends each task, actor and call
 * through its {@link ClusterLink}; the answers complete them on the thread that hears them.
 */
final class ClusterSite implements WorkSite {
    private final NodeRuntime runtime;
    private final ClusterLink link;

    ClusterSite(NodeRuntime runtime, ClusterLink link) {
        this.runtime = runtime;
        this.link = link;
    }

    /** One forwarding slot: the request travels on to the node that places the task. */
    @Override
    public ResourceVector taskResources(String what, Map<String, Double> requested, SchedulingStrategy strategy) {
        return runtime.defaultTaskVector();
    }

    /** Its node holds what it asked for; here it takes a slot to be built from. */
    @Override
    public ActorPlacement placeActor(String what, Map<String, Double> requested, SchedulingStrategy strategy) {
        return new ActorPlacement(runtime.noResources(), runtime.defaultActorPlacement(), false);
    }

    @Override
    public void isolatedWorkComing() {
        // the node that runs it starts its worker processes
    }

    /** A task whose arguments are ready is sent at once: nothing here to schedule. */
    @Override
    public void submitTask(TaskSpec task) {
        if (LocalScheduler.argumentsReady(task)) {
            sendNow(task);
        } else {
            runtime.scheduler().submit(task);
        }
    }

    /**
     * Sends a task whose arguments are ready on the calling thread (the submitter): no lease and no
     * hop to a worker thread, which would only forward it. A retry goes through the scheduler.
     */
    private void sendNow(TaskSpec task) {
        if (!task.tryStart()) {
            return;
        }
        try {
            Object[] args = runtime.executor().resolveArguments(task, 0);
            send(task, args);
            task.detach();
        } catch (Throwable error) {
            completeSent(task, null, error);
        }
    }

    private void send(TaskSpec task, Object[] args) throws Exception {
        if (task.stream != null) {
            link.invokeGeneratorAsync(task, args, new ClusterLink.StreamSink() {
                @Override
                public void value(Object value) {
                    StreamedReturns.store(runtime, task, value); // a value living on a node is kept as where it lives
                }

                @Override
                public void end(Throwable failure) {
                    endStream(task, failure);
                }
            });
        } else {
            link.invokeAsync(task, args, (value, failure) -> completeSent(task, value, failure));
        }
    }

    /** Queued for a forwarding slot; its first thread has the cluster build it. */
    @Override
    public void submitActor(ActorRecord actor, TaskSpec creation, ActorPlacement placement) {
        runtime.scheduler().submit(creation);
    }

    /** A task whose arguments became ready, sent from the worker thread that leased it. */
    @Override
    public Object runTask(TaskSpec task, Object[] args) throws Exception {
        send(task, args);
        return SENT;
    }

    /**
     * The outcome of a task sent to the cluster, on the thread that heard it (the link's reader):
     * stored in the result entry, or the task queued again while its retries allow.
     */
    private void completeSent(TaskSpec task, Object value, Throwable failure) {
        if (task.stream != null) { // one that could not be sent
            endStream(task, failure);
        } else if (task.moreResults != null && failure == null) {
            // Splitting may read the value from its node and store large parts there, both waiting for
            // answers that this thread (the link's reader) delivers: split on a thread of its own.
            Thread.ofVirtual().name("mobula-split-returns").start(() -> storeOutcome(task, value, null));
        } else {
            storeOutcome(task, value, failure);
        }
    }

    private void storeOutcome(TaskSpec task, Object value, Throwable failure) {
        Object stored = null;
        Object[] storedEach = null;
        Throwable error = failure;
        if (error == null) {
            try {
                if (task.moreResults != null) { // the node ran it as a task of one value: split it here
                    storedEach = MultipleReturns.marshalEach(runtime, task, value);
                    stored = storedEach[0];
                } else {
                    stored = runtime.marshaller().marshal(value, task.result.id());
                }
            } catch (Throwable e) {
                error = e;
            }
        }
        if (error != null) {
            if (task.requeueForRetry(error)) {
                if (RetryPolicy.systemFailure(error)) { // a node died under it: give the cluster a moment to see it
                    CompletableFuture.delayedExecutor(RetryPolicy.backoffMs(task.attempt()), TimeUnit.MILLISECONDS, Runnable::run)
                        .execute(() -> runtime.scheduler().makeReady(task));
                } else {
                    runtime.scheduler().makeReady(task);
                }
                return;
            }
            stored = runtime.executor().failure(task, error);
        }
        if (!task.finish()) {
            stored = TaskExecutor.cancelled(task);
            storedEach = null;
        }
        runtime.completeResults(task, stored, storedEach);
    }

    /**
     * A generator's stream ended (its values are all stored): its result completes, and with it the
     * stream, after one more entry for a failure. Never sent again, as on a node.
     */
    private void endStream(TaskSpec task, Throwable failure) {
        Object stored = failure == null ? StoredValues.NULL : runtime.executor().failure(task, failure);
        if (!task.finish()) {
            stored = TaskExecutor.cancelled(task);
        }
        runtime.completeResults(task, stored, null);
    }

    /**
     * A task or actor call sent to the cluster is cancelled on the node that runs it (one not sent
     * yet never is: its spec is cancelled); the node's answer, a cancel, changes nothing here.
     */
    @Override
    public void cancelled(TaskSpec task, boolean force, boolean recursive) {
        link.cancel(task, force, recursive);
    }

    /** Work sent to the cluster takes a value living there as where it lives, not as a copy. */
    @Override
    public Object argumentValue(Object stored, ValueMarshaller marshaller) {
        return stored instanceof RemoteValue remote ? remote : marshaller.unmarshal(stored);
    }

    /** The cluster's own verdict (actor died, no node fits) is kept as it said it. */
    @Override
    public MobulaException verdictOf(Throwable error) {
        return error instanceof MobulaException typed ? typed : null;
    }

    @Override
    public ActorCalls callsFor(ActorRecord actor) {
        return new SentActorCalls(actor, runtime, link);
    }

    @Override
    public Object construct(ActorRecord actor, Object[] args) throws Exception {
        return link.construct(actor, actor.creation(), args);
    }

    @Override
    public void actorRestarting() {
        // counted by the node that builds it again
    }

    @Override
    public void claimActorName(String name, String namespace) {
        link.claimActorName(name, namespace); // names are the cluster's: taken anywhere, taken here
    }

    @Override
    public void actorKilled(ActorRecord actor) {
        link.kill(actor);
    }

    /** The node it lives on kills and rebuilds it; the driver's record stands for it all along. */
    @Override
    public boolean restartKilled(ActorRecord actor, io.mobula.ActorDiedException inFlight) {
        return link.killAndRestart(actor);
    }

    @Override
    public AttachedActor lookupActor(String name, String namespace) {
        return link.lookupActor(name, namespace);
    }

    @Override
    public GroupPlacements placementGroups() {
        return link.placementGroups();
    }

    @Override
    public ValueMarshaller.LargeValues largeValues() {
        return link.largeValues();
    }

    /** A driver's program runs on the node it connected to (its own node is only its owner's bookkeeping). */
    @Override
    public String programNodeId() {
        return link.nodeId();
    }

    @Override
    public List<NodeInfo> nodes() {
        return link.nodes();
    }

    @Override
    public void close() {
        link.close();
    }
}
