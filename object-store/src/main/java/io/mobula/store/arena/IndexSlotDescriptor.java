package io.mobula.store.arena;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.mobula.store.ObjectId;

/**
 * One slot of the arena's index: open addressing, linear probing from the id's home slot.
 * <pre>
 *   0 state u32 (EMPTY 0, CREATED 1, SEALED 2, TOMBSTONE 3; written with release)
 *   4 kind u32 | 8 idHigh u64 | 16 idLow u64 | 24 offset u64 | 32 size u64
 *  40 generation u64 | 48 lastAccess u64 | 56 reserved
 * </pre>
 * The fields are written before the state (release), so a reader that sees SEALED (acquire) sees
 * the object's fields whole.
 */
public final class IndexSlotDescriptor {
    public static final int SLOT_BYTES = 64;
    public static final int EMPTY = 0;
    public static final int CREATED = 1;
    public static final int SEALED = 2;
    public static final int TOMBSTONE = 3;

    static final long STATE = 0;
    static final long KIND = 4;
    static final long ID_HIGH = 8;
    static final long ID_LOW = 16;
    static final long OFFSET = 24;
    static final long SIZE = 32;
    static final long GENERATION = 40;
    static final long LAST_ACCESS = 48;

    private IndexSlotDescriptor() {
    }

    /** The home slot of an id: {@link ObjectId#hashCode()} as an unsigned value, masked. */
    public static int home(ObjectId id, int indexSlots) {
        return id.hashCode() & (indexSlots - 1);
    }

    static int stateAcquire(MemorySegment arena, long slot) {
        return (int) ArenaDescriptor.INT.getAcquire(arena, slot + STATE);
    }

    static void stateRelease(MemorySegment arena, long slot, int state) {
        ArenaDescriptor.INT.setRelease(arena, slot + STATE, state);
    }

    static boolean holds(MemorySegment arena, long slot, ObjectId id) {
        return arena.get(ValueLayout.JAVA_LONG, slot + ID_HIGH) == id.high()
            && arena.get(ValueLayout.JAVA_LONG, slot + ID_LOW) == id.low();
    }

    static long offset(MemorySegment arena, long slot) {
        return arena.get(ValueLayout.JAVA_LONG, slot + OFFSET);
    }

    static long size(MemorySegment arena, long slot) {
        return arena.get(ValueLayout.JAVA_LONG, slot + SIZE);
    }

    static int kind(MemorySegment arena, long slot) {
        return arena.get(ValueLayout.JAVA_INT, slot + KIND);
    }

    static long generation(MemorySegment arena, long slot) {
        return (long) ArenaDescriptor.LONG.getAcquire(arena, slot + GENERATION);
    }

    /** Fills a slot for a new object (state still to be published by the caller). */
    static void fill(MemorySegment arena, long slot, ObjectId id, long offset, long size, int kind) {
        arena.set(ValueLayout.JAVA_INT, slot + KIND, kind);
        arena.set(ValueLayout.JAVA_LONG, slot + ID_HIGH, id.high());
        arena.set(ValueLayout.JAVA_LONG, slot + ID_LOW, id.low());
        arena.set(ValueLayout.JAVA_LONG, slot + OFFSET, offset);
        arena.set(ValueLayout.JAVA_LONG, slot + SIZE, size);
        ArenaDescriptor.LONG.setRelease(arena, slot + GENERATION, arena.get(ValueLayout.JAVA_LONG, slot + GENERATION) + 1);
    }

    static void touch(MemorySegment arena, long slot, long stamp) {
        arena.set(ValueLayout.JAVA_LONG, slot + LAST_ACCESS, stamp);
    }
}
