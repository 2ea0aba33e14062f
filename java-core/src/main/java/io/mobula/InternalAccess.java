package io.mobula;

import io.mobula.runtime.ActorRecord;
import io.mobula.runtime.NodeRuntime;
import io.mobula.runtime.ObjectEntry;

/**
 * The runtime's way into the API types' internals. Not part of the API: application code has no
 * use for it, and it may change in any release.
 */
public final class InternalAccess {
    private InternalAccess() {
    }

    /** The runtime behind the API object (a node daemon submits its drivers' work to it directly). */
    public static NodeRuntime runtimeOf(Mobula mobula) {
        return mobula.runtime();
    }

    /** Runs {@code callback} when {@code ref} is ready (at once if it is; else on the completing thread). */
    public static void whenReady(ObjectRef<?> ref, Runnable callback) {
        ref.entry().whenReady(callback);
    }

    public static ObjectEntry entryOf(ObjectRef<?> ref) {
        return ref.entry();
    }

    public static <T> ObjectRef<T> newRef(ObjectEntry entry, NodeRuntime runtime) {
        return new ObjectRef<>(entry, runtime);
    }

    public static ActorRecord recordOf(ActorHandle<?> handle) {
        return handle.record();
    }

    public static <A> ActorHandle<A> newHandle(ActorRecord record, NodeRuntime runtime) {
        return new ActorHandle<>(record, record.id(), runtime);
    }

    public static <A> ActorHandle<A> deadHandle(long id, NodeRuntime runtime) {
        return new ActorHandle<>(null, id, runtime);
    }
}
