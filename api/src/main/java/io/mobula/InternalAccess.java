package io.mobula;

import io.mobula.spi.ActorState;
import io.mobula.spi.MobulaRuntime;
import io.mobula.spi.ObjectState;

/**
 * A runtime's way into the API types' internals: the state behind a ref or a handle, and new refs
 * and handles for states it made. Not part of the API: application code has no use for it, and it
 * may change in any release.
 */
public final class InternalAccess {
    private InternalAccess() {
    }

    /** The runtime behind the API object. */
    public static MobulaRuntime runtimeOf(Mobula mobula) {
        return mobula.runtime();
    }

    public static ObjectState stateOf(ObjectRef<?> ref) {
        return ref.entry();
    }

    public static <T> ObjectRef<T> newRef(ObjectState state, MobulaRuntime runtime) {
        return new ObjectRef<>(state, runtime);
    }

    /** The state behind a handle, or null for a handle to an actor that no longer exists here. */
    public static ActorState stateOf(ActorHandle<?> handle) {
        return handle.record();
    }

    public static <A> ActorHandle<A> newHandle(ActorState state, MobulaRuntime runtime) {
        return new ActorHandle<>(state, state.id(), runtime);
    }

    public static <A> ActorHandle<A> deadHandle(long id, MobulaRuntime runtime) {
        return new ActorHandle<>(null, id, runtime);
    }
}
