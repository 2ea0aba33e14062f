package io.mobula.store.arena;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

import io.mobula.store.ObjectId;

/**
 * The node's account of what is taken in its arena: the data region's blocks, the index slots,
 * and the deleted objects whose blocks wait for their last pin. Every method is called with the
 * store's lock held; nothing here is read by other processes except through the slots it writes.
 * <p>
 * A tombstoned slot goes back into use only after its block is freed, so a reader that pinned the
 * old object never sees the slot refilled under its pin.
 * <p>
 * <b>Keeping lookups short.</b> A freed slot is a hole in the probe paths that run through it.
 * {@link #compact()} fills holes the way Knuth's deletion for linear probing does (Algorithm R):
 * each later entry of the cluster whose home lies at or before a hole moves back into it, leaving
 * a hole where it was; holes that no entry's probe path needs any longer become EMPTY again. So
 * the index after any number of creates and deletes is the index its live objects alone would
 * make, and a miss costs what it cost on a fresh arena. An entry is moved only if nobody pins it
 * (checked with the pin handshake after tombstoning it) and only if it is sealed (an object being
 * written keeps its slot: its builder holds it); a hole such an entry still needs stays a
 * TOMBSTONE and is looked at again on later compactions ({@link #compactAll()}). The index also
 * keeps at least one EMPTY slot, so every probe ends and every cluster has an end.
 */
final class ArenaSpace {
    /** Where a new object goes: its index slot and the offset of its block; see {@link #NO_BLOCK}, {@link #NO_SLOT}. */
    record Placement(int slot, long offset) {
        boolean found() {
            return slot >= 0;
        }
    }

    /** No free block is large enough (spilling may make one). */
    static final Placement NO_BLOCK = new Placement(-1, -1);
    /** A block is free but the index is full: no slot on the id's probe path (one EMPTY slot is always kept). */
    static final Placement NO_SLOT = new Placement(-1, 0);

    private final MemorySegment arena;
    private final ArenaDescriptor layout;
    private final ArenaIndex index;
    private final ArenaAllocator allocator;
    private final AccessStamps stamps;
    /** Called after every free: the store wakes creators waiting for room. */
    private final Runnable onFree;
    private final int slots;
    private final int mask;
    /** Tombstoned slots whose blocks are freed (holes): reusable for new objects. */
    private final SlotSet reusable;
    /** Tombstoned slots whose bytes someone still pins: slot -> {offset, size}. */
    private final Map<Integer, long[]> deferred = new HashMap<>();
    /** Read-only views of sealed objects' bytes by slot, made once at seal so a get allocates none. */
    private final MemorySegment[] views;
    /** Holes made since the last compaction, to compact from. */
    private int[] pending = new int[16];
    private int pendingCount;
    /** Holes of one compaction, in probe order (scratch). */
    private int[] holes = new int[16];
    private int emptySlots;
    private long usedBytes;
    private long objectCount;
    private long moves;

    ArenaSpace(MemorySegment arena, ArenaDescriptor layout, ArenaIndex index, AccessStamps stamps, Runnable onFree) {
        this.arena = arena;
        this.layout = layout;
        this.index = index;
        this.stamps = stamps;
        this.onFree = onFree;
        this.slots = layout.indexSlots();
        this.mask = slots - 1;
        this.allocator = new ArenaAllocator(layout.dataOffset(), layout.dataBytes());
        this.reusable = new SlotSet(slots);
        this.views = new MemorySegment[slots];
        this.emptySlots = slots;
    }

    /** Takes a block of {@code size} bytes and a slot on {@code id}'s probe path; takes neither if one is lacking. */
    Placement place(ObjectId id, long size) {
        long offset = allocator.allocate(size);
        if (offset < 0) {
            return NO_BLOCK;
        }
        int slot = freeSlot(id);
        if (slot < 0) {
            allocator.free(offset, size);
            return NO_SLOT;
        }
        return new Placement(slot, offset);
    }

    /** Fills the placed slot for a new object and counts it; the caller publishes its state. */
    void occupy(Placement placement, ObjectId id, long size, int kind) {
        IndexSlotDescriptor.fill(arena, layout.slotOffset(placement.slot()), id, placement.offset(), size, kind);
        views[placement.slot()] = null;
        stamps.reset(placement.slot());
        usedBytes += charged(size);
        objectCount++;
    }

    /** The object in {@code slot} is about to be published sealed: its read-only view, made once. */
    void sealing(int slot) {
        long at = layout.slotOffset(slot);
        views[slot] = arena.asSlice(IndexSlotDescriptor.offset(arena, at), IndexSlotDescriptor.size(arena, at)).asReadOnly();
    }

    /**
     * The read-only view of a sealed object's bytes. Call while pinning {@code slot}: the pin's
     * volatile re-check of the state saw SEALED, which the node stored after this view.
     */
    MemorySegment view(int slot) {
        return views[slot];
    }

    /** Tombstones {@code slot} and frees its block, or defers that while anyone pins it. */
    void remove(int slot) {
        long at = layout.slotOffset(slot);
        IndexSlotDescriptor.stateVolatile(arena, at, IndexSlotDescriptor.TOMBSTONE);
        long offset = IndexSlotDescriptor.offset(arena, at);
        long size = IndexSlotDescriptor.size(arena, at);
        if (index.pinnedByAnyone(slot)) {
            deferred.put(slot, new long[] {offset, size});
        } else {
            free(slot, offset, size);
        }
    }

    /** Frees the block of a tombstoned slot that no one pins; the slot becomes a hole, compacted later. */
    void free(int slot, long offset, long size) {
        allocator.free(offset, size);
        usedBytes -= charged(size);
        objectCount--;
        views[slot] = null;
        reusable.set(slot);
        if (pendingCount == pending.length) {
            pending = java.util.Arrays.copyOf(pending, pending.length * 2);
        }
        pending[pendingCount++] = slot;
        onFree.run();
    }

    /** A pin on {@code slot} was released: frees its block if it was deleted and that was the last pin. */
    void released(int slot) {
        long[] block = deferred.get(slot);
        if (block != null && !index.pinnedByAnyone(slot)) {
            deferred.remove(slot);
            free(slot, block[0], block[1]);
        }
    }

    /** Frees every deferred block whose last pin is gone (a reader released it, or died and was reclaimed). */
    void freeUnpinned() {
        if (deferred.isEmpty()) {
            return;
        }
        deferred.entrySet().removeIf(e -> {
            if (index.pinnedByAnyone(e.getKey())) {
                return false;
            }
            free(e.getKey(), e.getValue()[0], e.getValue()[1]);
            return true;
        });
    }

    /**
     * Compacts from every hole made since the last call. Call where no slot number is held across
     * it (not between {@link #place} and {@link #occupy}, nor during a spill's batch).
     */
    void compact() {
        while (pendingCount > 0) {
            int hole = pending[--pendingCount];
            if (reusable.get(hole)) {
                compactFrom(hole);
            }
        }
    }

    /** Compacts from every hole left (ones an object being written or a pinned one still needed). */
    void compactAll() {
        pendingCount = 0;
        for (int hole = reusable.nextSetBit(0); hole >= 0; hole = reusable.nextSetBit(hole + 1)) {
            if (reusable.get(hole)) {
                compactFrom(hole);
            }
        }
    }

    /**
     * Algorithm R from the hole {@code first} to the end of its cluster: move each sealed entry
     * back into the earliest hole on its probe path, then turn the holes no probe path needs into
     * EMPTY. Moves happen with {@code indexSequence} odd, so lock-free lookups that miss look again.
     */
    private void compactFrom(int first) {
        int holeCount = 0;
        holes = ensure(holes, 1);
        holes[holeCount++] = first;
        boolean moving = false;
        int end = first;
        for (int step = 1; step < slots; step++) {
            int slot = (first + step) & mask;
            long at = layout.slotOffset(slot);
            int state = IndexSlotDescriptor.stateAcquire(arena, at);
            if (state == IndexSlotDescriptor.EMPTY) {
                end = slot;
                break;
            }
            if (state == IndexSlotDescriptor.TOMBSTONE) {
                if (reusable.get(slot)) {
                    holes = ensure(holes, holeCount + 1);
                    holes[holeCount++] = slot;
                }
                continue; // a deleted object still pinned: neither a hole nor on anyone's path
            }
            if (state != IndexSlotDescriptor.SEALED || holeCount == 0) {
                continue; // an object being written stays in its slot
            }
            int home = IndexSlotDescriptor.homeOf(arena, at, slots);
            int reach = (slot - home) & mask;
            int target = -1;
            for (int h = 0; h < holeCount; h++) {
                if (((holes[h] - home) & mask) < reach) {
                    target = h;
                    break;
                }
            }
            if (target < 0) {
                continue;
            }
            if (!moving) {
                moving = true;
                beginMoves();
            }
            if (move(slot, holes[target])) {
                System.arraycopy(holes, target + 1, holes, target, holeCount - target - 1);
                holes[holeCount - 1] = slot; // the vacated slot is the latest hole in probe order
            }
        }
        if (end != first) {
            emptyUnneeded(first, end);
        }
        if (moving) {
            endMoves();
        }
    }

    /**
     * Walks back from the cluster's end (an EMPTY slot) to {@code first}: a hole before which no
     * later entry's probe path starts is needed by nobody and becomes EMPTY.
     */
    private void emptyUnneeded(int first, int end) {
        long earliestStart = Long.MAX_VALUE; // in steps from first; may be negative (a home before first)
        for (int slot = (end - 1) & mask; ; slot = (slot - 1) & mask) {
            long at = layout.slotOffset(slot);
            int state = IndexSlotDescriptor.stateAcquire(arena, at);
            long position = (slot - first) & mask;
            if (state == IndexSlotDescriptor.SEALED || state == IndexSlotDescriptor.CREATED) {
                long start = position - ((slot - IndexSlotDescriptor.homeOf(arena, at, slots)) & mask);
                earliestStart = Math.min(earliestStart, start);
            } else if (state == IndexSlotDescriptor.TOMBSTONE && reusable.get(slot) && position < earliestStart) {
                reusable.clear(slot);
                IndexSlotDescriptor.stateRelease(arena, at, IndexSlotDescriptor.EMPTY);
                emptySlots++;
            }
            if (slot == first) {
                return;
            }
        }
    }

    /**
     * Moves the sealed object in {@code from} to the hole {@code to}, unless someone pins it. The
     * tombstone comes first, then the pin check (the same handshake as a delete): a reader that
     * pins {@code from} from now on sees the tombstone and looks again, finding {@code to}.
     */
    private boolean move(int from, int to) {
        long fromAt = layout.slotOffset(from);
        long toAt = layout.slotOffset(to);
        IndexSlotDescriptor.stateVolatile(arena, fromAt, IndexSlotDescriptor.TOMBSTONE);
        if (index.pinnedByAnyone(from)) {
            IndexSlotDescriptor.stateVolatile(arena, fromAt, IndexSlotDescriptor.SEALED);
            return false;
        }
        IndexSlotDescriptor.copy(arena, fromAt, toAt); // bumps the target's generation
        views[to] = views[from];
        views[from] = null;
        stamps.move(from, to);
        reusable.clear(to);
        reusable.set(from);
        IndexSlotDescriptor.stateRelease(arena, toAt, IndexSlotDescriptor.SEALED);
        moves++;
        return true;
    }

    /** indexSequence to odd, then a fence: no store of the moves becomes visible before the odd value. */
    private void beginMoves() {
        ArenaDescriptor.INT.getAndAdd(arena, ArenaDescriptor.INDEX_SEQUENCE_OFFSET, 1);
        java.lang.invoke.VarHandle.storeStoreFence();
    }

    /** indexSequence back to even (release: after every store of the moves). */
    private void endMoves() {
        ArenaDescriptor.INT.getAndAdd(arena, ArenaDescriptor.INDEX_SEQUENCE_OFFSET, 1);
    }

    long usedBytes() {
        return usedBytes;
    }

    long objectCount() {
        return objectCount;
    }

    int deferredCount() {
        return deferred.size();
    }

    /** Entries moved back towards their home so far (a count for tests and figures). */
    long moves() {
        return moves;
    }

    /** Freed TOMBSTONE slots now: holes that an object being written or a pinned one still needs. */
    int holes() {
        return reusable.count();
    }

    /** Slots in state EMPTY now (at least one is always kept). */
    int emptySlots() {
        return emptySlots;
    }

    long largestFree() {
        return allocator.largestFree();
    }

    /** The largest free block over all free bytes: 1 when the free space is one block, near 0 when shredded. */
    double largestFreeFraction() {
        return allocator.freeBytes() == 0 ? 1 : allocator.largestFree() / (double) allocator.freeBytes();
    }

    /**
     * The first hole or EMPTY slot on {@code id}'s probe path, or -1 if the index is full. The last
     * EMPTY slot is never taken, so probes and compactions always find an end.
     */
    private int freeSlot(ObjectId id) {
        int slot = IndexSlotDescriptor.home(id, slots);
        for (int probes = 0; probes <= mask; probes++, slot = (slot + 1) & mask) {
            int state = IndexSlotDescriptor.stateAcquire(arena, layout.slotOffset(slot));
            if (state == IndexSlotDescriptor.EMPTY) {
                if (emptySlots <= 1) {
                    return -1;
                }
                emptySlots--;
                return slot;
            }
            if (state == IndexSlotDescriptor.TOMBSTONE && reusable.get(slot)) {
                reusable.clear(slot);
                return slot;
            }
        }
        return -1;
    }

    /**
     * A set of slots, as bits. Not java.util.BitSet: its clear() rescans the words below the
     * highest set bit, which made every create that reused a hole pay for the whole table.
     */
    private static final class SlotSet {
        private final long[] words;
        private int count;

        SlotSet(int slots) {
            this.words = new long[(slots + 63) >>> 6];
        }

        boolean get(int slot) {
            return (words[slot >>> 6] & 1L << slot) != 0;
        }

        void set(int slot) {
            if (!get(slot)) {
                words[slot >>> 6] |= 1L << slot;
                count++;
            }
        }

        void clear(int slot) {
            if (get(slot)) {
                words[slot >>> 6] &= ~(1L << slot);
                count--;
            }
        }

        /** The first slot in the set at or after {@code from}, or -1. */
        int nextSetBit(int from) {
            int word = from >>> 6;
            if (word >= words.length) {
                return -1;
            }
            long bits = words[word] & -1L << from;
            while (bits == 0) {
                if (++word == words.length) {
                    return -1;
                }
                bits = words[word];
            }
            return (word << 6) + Long.numberOfTrailingZeros(bits);
        }

        int count() {
            return count;
        }
    }

    private static int[] ensure(int[] array, int length) {
        return length <= array.length ? array : java.util.Arrays.copyOf(array, Math.max(length, array.length * 2));
    }

    /** What an object of {@code size} bytes takes from the data region: whole aligned blocks, at least one. */
    private static long charged(long size) {
        return Math.max(ArenaDescriptor.ALIGNMENT, ArenaDescriptor.align(size));
    }
}
