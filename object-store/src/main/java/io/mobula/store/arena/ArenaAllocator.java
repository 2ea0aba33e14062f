package io.mobula.store.arena;

import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Hands out 64-byte-aligned blocks of the arena's data region: best fit (the smallest free block
 * that holds the request), splitting the rest off, and merging a freed block with free neighbours,
 * so mixed sizes leave few unusable holes. The node's alone; not thread safe (the store locks).
 */
final class ArenaAllocator {
    private final long base;
    private final long bytes;
    /** Free blocks by start offset, to merge neighbours. */
    private final TreeMap<Long, Long> byOffset = new TreeMap<>();
    /** Free blocks by size, then offset, for best fit. */
    private final TreeMap<Long, TreeSet<Long>> bySize = new TreeMap<>();
    private long freeBytes;

    ArenaAllocator(long base, long bytes) {
        this.base = base;
        this.bytes = bytes;
        if (bytes > 0) {
            addFree(base, bytes);
        }
    }

    /** @return the offset of a block of at least {@code size} bytes (rounded up to 64), or -1 if none fits. */
    long allocate(long size) {
        long need = Math.max(ArenaDescriptor.ALIGNMENT, ArenaDescriptor.align(size));
        Map.Entry<Long, TreeSet<Long>> fit = bySize.ceilingEntry(need);
        if (fit == null) {
            return -1;
        }
        long blockSize = fit.getKey();
        long offset = fit.getValue().first();
        removeFree(offset, blockSize);
        if (blockSize > need) {
            addFree(offset + need, blockSize - need);
        }
        return offset;
    }

    /** Frees a block returned by {@link #allocate} with the same {@code size}. */
    void free(long offset, long size) {
        long length = Math.max(ArenaDescriptor.ALIGNMENT, ArenaDescriptor.align(size));
        Map.Entry<Long, Long> before = byOffset.floorEntry(offset);
        if (before != null && before.getKey() + before.getValue() == offset) {
            removeFree(before.getKey(), before.getValue());
            offset = before.getKey();
            length += before.getValue();
        }
        Long afterSize = byOffset.get(offset + length);
        if (afterSize != null) {
            removeFree(offset + length, afterSize);
            length += afterSize;
        }
        addFree(offset, length);
    }

    long freeBytes() {
        return freeBytes;
    }

    /** The largest block a single allocation could get now. */
    long largestFree() {
        return bySize.isEmpty() ? 0 : bySize.lastKey();
    }

    long capacity() {
        return bytes;
    }

    long base() {
        return base;
    }

    private void addFree(long offset, long length) {
        byOffset.put(offset, length);
        bySize.computeIfAbsent(length, k -> new TreeSet<>()).add(offset);
        freeBytes += length;
    }

    private void removeFree(long offset, long length) {
        byOffset.remove(offset);
        TreeSet<Long> offsets = bySize.get(length);
        offsets.remove(offset);
        if (offsets.isEmpty()) {
            bySize.remove(length);
        }
        freeBytes -= length;
    }
}
