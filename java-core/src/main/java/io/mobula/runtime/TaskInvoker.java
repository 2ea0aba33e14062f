package io.mobula.runtime;

import java.util.List;

import io.mobula.NodeInfo;

/**
 * How a node runs work once its arguments are resolved: here, on the calling worker or actor thread
 * ({@link #LOCAL}), or elsewhere (a connected driver sends it to the cluster, which places it).
 */
public interface TaskInvoker extends AutoCloseable {
    /** Runs everything on the calling thread. */
    TaskInvoker LOCAL = new TaskInvoker() {
        @Override
        public Object invoke(TaskSpec task, Object[] args) throws Exception {
            return task.function.invoke(args);
        }

        @Override
        public Object construct(ActorRecord actor, TaskSpec creation, Object[] args) throws Exception {
            return creation.function.invoke(args);
        }

        @Override
        public Object invokeMethod(TaskSpec call, Object[] args) throws Exception {
            return call.function.invoke(args);
        }

        @Override
        public void close() {
        }
    };

    /** @return the task's result; throws what the function threw. */
    Object invoke(TaskSpec task, Object[] args) throws Exception;

    /** Runs {@code actor}'s constructor. @return what stands for the instance on this node. */
    Object construct(ActorRecord actor, TaskSpec creation, Object[] args) throws Exception;

    /** Calls an actor's method; {@code args[0]} is what {@link #construct} returned. */
    Object invokeMethod(TaskSpec call, Object[] args) throws Exception;

    /** Told once of the outcome of work started without waiting. */
    @FunctionalInterface
    interface Completion {
        /** @param failure what the work threw, or null: then {@code value} is its result. */
        void complete(Object value, Throwable failure);
    }

    /**
     * Starts a task and returns without waiting for it; {@code done} hears its outcome once, on any
     * thread (it must be quick and must not block). Used where {@link #placesElsewhere()}, so the
     * thread that sends one call goes on to the next instead of waiting for each answer. This
     * default runs the task on the calling thread.
     *
     * @throws Exception if the task could not be started ({@code done} is then not called).
     */
    default void invokeAsync(TaskSpec task, Object[] args, Completion done) throws Exception {
        Object value;
        try {
            value = invoke(task, args);
        } catch (Exception e) {
            done.complete(null, e);
            return;
        }
        done.complete(value, null);
    }

    /**
     * Starts an actor's method call, as {@link #invokeAsync} starts a task. Calls started one after
     * another from one thread reach the actor in that order.
     */
    default void invokeMethodAsync(TaskSpec call, Object[] args, Completion done) throws Exception {
        Object value;
        try {
            value = invokeMethod(call, args);
        } catch (Exception e) {
            done.complete(null, e);
            return;
        }
        done.complete(value, null);
    }

    /**
     * True where work is placed by the cluster rather than by this node (a connected driver): the
     * node then holds one slot per task in flight and leaves resource checks to the cluster.
     */
    default boolean placesElsewhere() {
        return false;
    }

    /** Ends an actor that lives elsewhere (its instance here is what {@link #construct} returned; may be null). */
    default void kill(ActorRecord actor) {
    }

    /**
     * Claims an actor name across the cluster before the actor is made.
     *
     * @throws io.mobula.ActorNameTakenException if a live actor has it.
     */
    default void claimActorName(String name) {
    }

    /** The cluster's actor with this name, as {@link AttachedActor} to attach to; null if none. */
    default AttachedActor lookupActor(String name) {
        return null;
    }

    /** Where placement groups are made, or null where this node makes its own. */
    default GroupPlacements placementGroups() {
        return null;
    }

    /** Where this node's large values go instead of its own store, or null: its own store. */
    default ValueMarshaller.LargeValues largeValues() {
        return null;
    }

    /** The cluster's nodes, or null where this node is on its own. */
    default List<NodeInfo> nodes() {
        return null;
    }

    @Override
    void close();
}
