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
 * the object's fields whole.
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
        JAVA_LONG.withName("lastAccess"),
        MemoryLayout.paddingLayout(Long.BYTES));

    public static final int SLOT_BYTES = (int) SLOT.byteSize();

    /** Never used since the arena was created; ends a probe. */
    public static final int EMPTY = 0;
    /** Holds an object being written: "not sealed yet" to readers. */
    public static final int CREATED = 1;
    /** Holds a sealed object, readable and pinnable. */
    public static final int SEALED = 2;
    /** Deleted or spilled; probes pass it, and the node reuses it once its block is freed. */
    public static final int TOMBSTONE = 3;

    static final long STATE = ArenaDescriptor.offsetOf(SLOT, "state");
    static final long KIND = ArenaDescriptor.offsetOf(SLOT, "kind");
    static final long ID_HIGH = ArenaDescriptor.offsetOf(SLOT, "idHigh");
    static final long ID_LOW = ArenaDescriptor.offsetOf(SLOT, "idLow");
    static final long OFFSET = ArenaDescriptor.offsetOf(SLOT, "offset");
    static final long SIZE = ArenaDescriptor.offsetOf(SLOT, "size");
    static final long GENERATION = ArenaDescriptor.offsetOf(SLOT, "generation");
    static final long LAST_ACCESS = ArenaDescriptor.offsetOf(SLOT, "lastAccess");

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
