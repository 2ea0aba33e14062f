package io.mobula.store.arena;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

import io.mobula.store.ObjectId;

/**
 * One slot of the arena's index: open addressing, linear probing from the id's home slot. The
 * fields are the layout {@link #SLOT}; ArenaFormatAgreementTest holds it and the states against
 * docs/object-store-format.md and native/include/mobula_store.h ({@code MOBULA_SLOT_*}).
 * <p>
 * The fields are written before the state (release), so a reader that sees SEALED (acquire) sees
 * the object's fields whole. The pin re-check reads state, id and generation with volatile
 * (sequentially consistent) loads: see {@link ArenaIndex} for why acquire is not enough.
 * <p>
 * The node's LRU stamps are not here: a get would write the slot's cache line, which every
 * process reads on every lookup. They live in the node's heap ({@link AccessStamps}).
 */
public final class IndexSlotDescriptor {
    public static final StructLayout SLOT = MemoryLayout.structLayout(
        JAVA_INT.withName("state"),
        JAVA_INT.withName("kind"),
        JAVA_LONG.withName("idHigh"),
        JAVA_LONG.withName("idLow"),
        JAVA_LONG.withName("offset"),
        JAVA_LONG.withName("size"),
        JAVA_LONG.withName("generation"),
        MemoryLayout.paddingLayout(2 * Long.BYTES));

    public static final int SLOT_BYTES = (int) SLOT.byteSize();

    /** Holds nothing, and no lookup needs to pass it; ends a probe. */
    public static final int EMPTY = 0;
    /** Holds an object being written: "not sealed yet" to readers. */
    public static final int CREATED = 1;
    /** Holds a sealed object, readable and pinnable. */
    public static final int SEALED = 2;
    /**
     * Deleted, spilled, or vacated by a move; probes pass it. The node reuses it once its block is
     * freed, and turns it back to EMPTY once no live entry's probe path runs through it.
     */
    public static final int TOMBSTONE = 3;

    static final long STATE = ArenaDescriptor.offsetOf(SLOT, "state");
    static final long KIND = ArenaDescriptor.offsetOf(SLOT, "kind");
    static final long ID_HIGH = ArenaDescriptor.offsetOf(SLOT, "idHigh");
    static final long ID_LOW = ArenaDescriptor.offsetOf(SLOT, "idLow");
    static final long OFFSET = ArenaDescriptor.offsetOf(SLOT, "offset");
    static final long SIZE = ArenaDescriptor.offsetOf(SLOT, "size");
    static final long GENERATION = ArenaDescriptor.offsetOf(SLOT, "generation");

    private IndexSlotDescriptor() {
    }

    /** The home slot of an id: {@link ObjectId#hashCode()} as an unsigned value, masked. */
    public static int home(ObjectId id, int indexSlots) {
        return id.hashCode() & (indexSlots - 1);
    }

    /** The home slot of the id held at {@code slot} (any state but EMPTY), read without building an ObjectId. */
    static int homeOf(MemorySegment arena, long slot, int indexSlots) {
        long h = arena.get(ValueLayout.JAVA_LONG, slot + ID_HIGH) * 0x9E3779B97F4A7C15L
            ^ arena.get(ValueLayout.JAVA_LONG, slot + ID_LOW) * 0xC2B2AE3D27D4EB4FL;
        return (int) (h ^ (h >>> 32)) & (indexSlots - 1);
    }

    static int stateAcquire(MemorySegment arena, long slot) {
        return (int) ArenaDescriptor.INT.getAcquire(arena, slot + STATE);
    }

    /** The pin re-check's load: sequentially consistent, the other half of the node's store-fence-load. */
    static int stateVolatile(MemorySegment arena, long slot) {
        return (int) ArenaDescriptor.INT.getVolatile(arena, slot + STATE);
    }

    /** The node's tombstone before it reads the pin counters (a volatile store: no later load moves above it). */
    static void stateVolatile(MemorySegment arena, long slot, int state) {
        ArenaDescriptor.INT.setVolatile(arena, slot + STATE, state);
    }

    /** The pin re-check's id comparison, with volatile loads like the state's. */
    static boolean holdsVolatile(MemorySegment arena, long slot, long high, long low) {
        return (long) ArenaDescriptor.LONG.getVolatile(arena, slot + ID_HIGH) == high
            && (long) ArenaDescriptor.LONG.getVolatile(arena, slot + ID_LOW) == low;
    }

    static long generationVolatile(MemorySegment arena, long slot) {
        return (long) ArenaDescriptor.LONG.getVolatile(arena, slot + GENERATION);
    }

    static void stateRelease(MemorySegment arena, long slot, int state) {
        ArenaDescriptor.INT.setRelease(arena, slot + STATE, state);
    }

    static boolean holds(MemorySegment arena, long slot, ObjectId id) {
        return holds(arena, slot, id.high(), id.low());
    }

    static boolean holds(MemorySegment arena, long slot, long high, long low) {
        return arena.get(ValueLayout.JAVA_LONG, slot + ID_HIGH) == high && arena.get(ValueLayout.JAVA_LONG, slot + ID_LOW) == low;
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
        fill(arena, slot, id.high(), id.low(), offset, size, kind);
    }

    private static void fill(MemorySegment arena, long slot, long high, long low, long offset, long size, int kind) {
        arena.set(ValueLayout.JAVA_INT, slot + KIND, kind);
        arena.set(ValueLayout.JAVA_LONG, slot + ID_HIGH, high);
        arena.set(ValueLayout.JAVA_LONG, slot + ID_LOW, low);
        arena.set(ValueLayout.JAVA_LONG, slot + OFFSET, offset);
        arena.set(ValueLayout.JAVA_LONG, slot + SIZE, size);
        ArenaDescriptor.LONG.setRelease(arena, slot + GENERATION, arena.get(ValueLayout.JAVA_LONG, slot + GENERATION) + 1);
    }

    /** Copies a sealed object's fields from one slot to another (a move); the caller publishes the target's state. */
    static void copy(MemorySegment arena, long from, long to) {
        fill(arena, to, arena.get(ValueLayout.JAVA_LONG, from + ID_HIGH), arena.get(ValueLayout.JAVA_LONG, from + ID_LOW),
            offset(arena, from), size(arena, from), kind(arena, from));
    }
}
