package io.mobula.store.arena;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** FNV-1a 64 over a segment: the checksum the Java and C readers both print. */
final class Checksums {
    private Checksums() {
    }

    static long fnv1a64(MemorySegment data) {
        long hash = 0xcbf29ce484222325L;
        long size = data.byteSize();
        for (long i = 0; i < size; i++) {
            hash ^= data.get(ValueLayout.JAVA_BYTE, i) & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    /** Fills a segment with a pattern that depends on the position and a seed. */
    static void fill(MemorySegment data, long seed) {
        long size = data.byteSize();
        long i = 0;
        for (; i + 8 <= size; i += 8) {
            data.set(ValueLayout.JAVA_LONG_UNALIGNED, i, (i * 0x9E3779B97F4A7C15L) ^ seed);
        }
        for (; i < size; i++) {
            data.set(ValueLayout.JAVA_BYTE, i, (byte) (i ^ seed));
        }
    }
}
