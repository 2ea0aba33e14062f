package io.mobula.runtime;

/**
 * A value that lives in another process's object store (a node's, for a connected driver): the
 * owner holds this as the stored form and reads the value only when someone gets it. Work sent on
 * to the cluster takes it as it is, so the value travels from where it lives, not through here.
 */
public interface RemoteValue {
    /** The value, read from where it lives (a view of a local node's arena, or fetched). */
    Object read();

    /**
     * Lets go of the value where it lives, now ({@code Mobula.free}), rather than when this form is
     * collected; returns once the process holding it has dropped it. Nothing to do by default.
     */
    default void free() {
    }
}
