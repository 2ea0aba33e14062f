package io.mobula.runtime;

import java.util.List;

import io.mobula.NodeInfo;

/**
 * What a node whose work the cluster places (a connected driver's node) needs of the cluster: to
 * send tasks (streaming generators too), actor creations and actor calls, and to ask for names, placement groups and nodes.
 * The cluster's module implements it; the runtime knows nothing else of the cluster. A node built
 * without one runs its work itself ({@link NodeRuntime#NodeRuntime(io.mobula.NodeContext)}).
 */
public interface ClusterLink extends AutoCloseable {
    /** Told once of the outcome of work sent without waiting. */
    @FunctionalInterface
    interface Completion {
        /** @param failure what the work threw, or null: then {@code value} is its result. */
        void complete(Object value, Throwable failure);
    }

    /**
     * Sends a task whose arguments are resolved and returns without waiting; {@code done} hears its
     * outcome once, on any thread (it must be quick and must not block), so the thread that sends
     * one call goes on to the next instead of waiting for each answer.
     *
     * @throws Exception if the task could not be sent ({@code done} is then not called).
     */
    void invokeAsync(TaskSpec task, Object[] args, Completion done) throws Exception;

    /** Hears a streaming generator's values as the node running it produces them. */
    interface StreamSink {
        /**
         * The next value, in order, as {@link Completion} gives a result (the value, or where it
         * lives); called on any thread, one value at a time.
         */
        void value(Object value);

        /** The stream ended, once: null after its last value, else what stopped it (the task's failure, or the link's). */
        void end(Throwable failure);
    }

    /**
     * Sends a streaming generator task whose arguments are resolved and returns without waiting;
     * {@code sink} hears each value as the node that runs it produces it, then the end. A generator
     * is not sent again (its values so far are out already).
     *
     * @throws Exception if the task could not be sent ({@code sink} is then not called).
     */
    void invokeGeneratorAsync(TaskSpec task, Object[] args, StreamSink sink) throws Exception;

    /**
     * Sends an actor's method call as {@link #invokeAsync} sends a task; {@code args[0]} is what
     * {@link #construct} returned. Calls sent one after another from one thread reach the actor in
     * that order.
     */
    void invokeMethodAsync(TaskSpec call, Object[] args, Completion done) throws Exception;

    /**
     * Cancels a task or actor call sent with {@link #invokeAsync} or {@link #invokeMethodAsync} on
     * the node that runs it, without waiting: queued there, it never runs; running, it is
     * interrupted (or, {@code force} and isolated, its worker process killed); {@code recursive},
     * the tasks it submitted there too. Nothing happens for one not in flight; one whose sending
     * races this cancel is not run ({@code call.isCancelled()} is read after it is recorded as sent).
     */
    void cancel(TaskSpec call, boolean force, boolean recursive);

    /** Has the cluster build {@code actor}. @return what stands for the instance on this node (where it lives). */
    Object construct(ActorRecord actor, TaskSpec creation, Object[] args) throws Exception;

    /** Ends an actor the cluster built (its stand-in here is what {@link #construct} returned; may be null). */
    void kill(ActorRecord actor);

    /**
     * Has the node an actor lives on kill its instance and build it again while the actor's
     * restarts allow (its calls running there fail with {@link io.mobula.ActorDiedException}).
     * Waits for the node's answer.
     *
     * @return false if the node had no restarts left for it (it is killed for good there).
     */
    boolean killAndRestart(ActorRecord actor);

    /**
     * Claims an actor name in {@code namespace} across the cluster before the actor is made.
     *
     * @throws io.mobula.ActorNameTakenException if a live actor has it.
     */
    void claimActorName(String name, String namespace);

    /** The cluster's actor with this name in {@code namespace}, as {@link AttachedActor} to attach to; null if none. */
    AttachedActor lookupActor(String name, String namespace);

    /** Where the cluster makes placement groups. */
    GroupPlacements placementGroups();

    /** Where this node's large values go instead of its own store, or null: its own store. */
    ValueMarshaller.LargeValues largeValues();

    /** The cluster's nodes as last heard of. */
    List<NodeInfo> nodes();

    /** The id of the node this one works through (a driver's: the node it connected to). */
    String nodeId();

    @Override
    void close();
}
