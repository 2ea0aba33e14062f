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
     * Declares that {@link #data()} stays in use after {@link #close()}: a zero-copy view handed to
     * code the store cannot track. The memory then stays valid while reachable and is never reused
     * for another object.
     */
    void retainBytes();

    @Override
    void close();
}
