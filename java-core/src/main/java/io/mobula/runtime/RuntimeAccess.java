package io.mobula.runtime;

import io.mobula.ActorHandle;
import io.mobula.InternalAccess;
import io.mobula.Mobula;
import io.mobula.ObjectRef;

/**
 * The node's typed view of what the API holds: the entry behind a ref, the record behind a handle,
 * the node behind a {@link Mobula}. Every ref and handle a node meets was made by a node (the API
 * is only ever given the states a runtime made), so the casts here hold.
 */
public final class RuntimeAccess {
    private RuntimeAccess() {
    }

    public static ObjectEntry entryOf(ObjectRef<?> ref) {
        return (ObjectEntry) InternalAccess.stateOf(ref);
    }

    /** The record behind a handle, or null for a handle to an actor that no longer exists here. */
    public static ActorRecord recordOf(ActorHandle<?> handle) {
        return (ActorRecord) InternalAccess.stateOf(handle);
    }

    public static NodeRuntime runtimeOf(Mobula mobula) {
        return (NodeRuntime) InternalAccess.runtimeOf(mobula);
    }

    /** Runs {@code callback} when {@code ref} is ready (at once if it is; else on the completing thread). */
    public static void whenReady(ObjectRef<?> ref, Runnable callback) {
        entryOf(ref).whenReady(callback);
    }
}
