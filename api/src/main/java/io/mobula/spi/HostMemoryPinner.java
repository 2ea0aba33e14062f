package io.mobula.spi;

import java.lang.foreign.MemorySegment;

/**
 * Makes a node's object-store memory page-locked for its devices, so copies between the store and
 * device memory run by DMA with no staging buffer. A node that has GPUs and a shared-memory store
 * hands the store's data region to every pinner on the class path ({@link java.util.ServiceLoader})
 * at start, and takes it back before the memory goes. Implementations pin lazily (the region may be
 * most of the machine's memory, and pinning makes pages resident).
 */
public interface HostMemoryPinner {
    /** The store's memory, from now until {@link #detach}. */
    void attach(MemorySegment storeMemory);

    /** The memory is about to be unmapped: unregister everything within it. */
    void detach(MemorySegment storeMemory);
}
