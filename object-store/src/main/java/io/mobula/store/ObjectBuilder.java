package io.mobula.store;

import java.lang.foreign.MemorySegment;

/**
 * An object being written: writable memory reserved by {@link ObjectStore#create}. Exactly one of
 * {@link #seal()} or {@link #abort()} ends it; the builder is for the one thread that fills it.
 */
public interface ObjectBuilder {
    ObjectId id();

    /** The writable data, 64-byte aligned, exactly the size asked for. Invalid after seal or abort. */
    MemorySegment data();

    /** Publishes the object: from now on it is immutable and visible to {@link ObjectStore#get}. */
    void seal();

    /** Gives the reservation back; the object never becomes visible. */
    void abort();
}
