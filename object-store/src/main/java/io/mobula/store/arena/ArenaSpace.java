package io.mobula.store.arena;

import java.lang.foreign.MemorySegment;
import java.util.BitSet;
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
    /** A block is free but every slot on the id's probe path is taken. */
    static final Placement NO_SLOT = new Placement(-1, 0);

    private final MemorySegment arena;
    private final ArenaDescriptor layout;
    private final ArenaIndex index;
    private final ArenaAllocator allocator;
    /** Called after every free: the store wakes creators waiting for room. */
    private final Runnable onFree;
    /** Tombstoned slots whose blocks are freed: reusable for new objects. */
    private final BitSet reusable;
    /** Tombstoned slots whose bytes someone still pins: slot -> {offset, size}. */
    private final Map<Integer, long[]> deferred = new HashMap<>();
    private long usedBytes;
    private long objectCount;

    ArenaSpace(MemorySegment arena, ArenaDescriptor layout, ArenaIndex index, Runnable onFree) {
        this.arena = arena;
        this.layout = layout;
        this.index = index;
        this.onFree = onFree;
        this.allocator = new ArenaAllocator(layout.dataOffset(), layout.dataBytes());
        this.reusable = new BitSet(layout.indexSlots());
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
        usedBytes += charged(size);
        objectCount++;
    }

    /** Tombstones {@code slot} and frees its block, or defers that while anyone pins it. */
    void remove(int slot) {
        long at = layout.slotOffset(slot);
        IndexSlotDescriptor.stateRelease(arena, at, IndexSlotDescriptor.TOMBSTONE);
        long offset = IndexSlotDescriptor.offset(arena, at);
        long size = IndexSlotDescriptor.size(arena, at);
        if (index.pinnedByAnyone(slot)) {
            deferred.put(slot, new long[] {offset, size});
        } else {
            free(slot, offset, size);
        }
    }

    /** Frees the block of a tombstoned slot that no one pins. */
    void free(int slot, long offset, long size) {
        allocator.free(offset, size);
        usedBytes -= charged(size);
        objectCount--;
        reusable.set(slot);
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

    long usedBytes() {
        return usedBytes;
    }

    long objectCount() {
        return objectCount;
    }

    int deferredCount() {
        return deferred.size();
    }

    long largestFree() {
        return allocator.largestFree();
    }

    /** The largest free block over all free bytes: 1 when the free space is one block, near 0 when shredded. */
    double largestFreeFraction() {
        return allocator.freeBytes() == 0 ? 1 : allocator.largestFree() / (double) allocator.freeBytes();
    }

    /** The first reusable slot on {@code id}'s probe path, or -1 if the index is full. */
    private int freeSlot(ObjectId id) {
        int mask = layout.indexSlots() - 1;
        int slot = IndexSlotDescriptor.home(id, layout.indexSlots());
        for (int probes = 0; probes <= mask; probes++, slot = (slot + 1) & mask) {
            int state = IndexSlotDescriptor.stateAcquire(arena, layout.slotOffset(slot));
            if (state == IndexSlotDescriptor.EMPTY) {
                return slot;
            }
            if (state == IndexSlotDescriptor.TOMBSTONE && reusable.get(slot)) {
                reusable.clear(slot);
                return slot;
            }
        }
        return -1;
    }

    /** What an object of {@code size} bytes takes from the data region: whole aligned blocks, at least one. */
    private static long charged(long size) {
        return Math.max(ArenaDescriptor.ALIGNMENT, ArenaDescriptor.align(size));
    }
}
