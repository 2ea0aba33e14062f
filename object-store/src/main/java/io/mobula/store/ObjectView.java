package io.mobula.store;

import java.lang.foreign.MemorySegment;

/**
 * A pinned, read-only view of a sealed object. While the view is open the object's memory is not
 * reused; {@link #close()} releases the pin (once; further calls do nothing).
 */
public interface ObjectView extends AutoCloseable {
    ObjectId id();

    /** The encoding the object was created with. */
    int kind();

    /** The object's bytes, read-only. */
    MemorySegment data();

    /**
     * Keeps {@link #data()} valid after {@link #close()} for as long as {@code holder} is reachable:
     * for a zero-copy view handed to code the store cannot track (a read-only buffer or segment).
     */
    void retainBytes(Object holder);

    @Override
    void close();
}
