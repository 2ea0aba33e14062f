package io.mobula.store.arena;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import io.mobula.store.ObjectId;

/**
 * The index as one process sees it: lock-free lookups and pins for everyone, slot inserts and
 * tombstones for the node. {@code arena} (the data file) may be a read-only mapping; a process
 * writes only its own row of pin counters ({@code pinRow}, in the control file).
 * <p>
 * Pin protocol: increment our counter (a full fence), then re-read the slot's state, id and
 * generation; if it no longer holds that object sealed, undo and look up again. The node tombstones
 * a slot before it reads the counters, so one of the two always sees the other: either the reader
 * backs off, or the node sees the pin and keeps the bytes.
 */
final class ArenaIndex {
    private final MemorySegment arena;
    private final ArenaDescriptor layout;
    /** The control file's mapping: every client's pin rows (the node reads them all). */
    private final MemorySegment control;
    private final MemorySegment pinRow;
    private final int mask;

    ArenaIndex(MemorySegment arena, ArenaDescriptor layout, MemorySegment control, MemorySegment pinRow) {
        this.arena = arena;
        this.layout = layout;
        this.control = control;
        this.pinRow = pinRow;
        this.mask = layout.indexSlots() - 1;
    }

    /** @return the slot holding {@code id} in any state but EMPTY, or -1. */
    int find(ObjectId id) {
        int slot = IndexSlotDescriptor.home(id, layout.indexSlots());
        for (int probes = 0; probes <= mask; probes++, slot = (slot + 1) & mask) {
            long at = layout.slotOffset(slot);
            int state = IndexSlotDescriptor.stateAcquire(arena, at);
            if (state == IndexSlotDescriptor.EMPTY) {
                return -1;
            }
            if (state != IndexSlotDescriptor.TOMBSTONE && IndexSlotDescriptor.holds(arena, at, id)) {
                return slot;
            }
        }
        return -1;
    }

    /** @return true if {@code id} is sealed now. */
    boolean isSealed(ObjectId id) {
        int slot = find(id);
        return slot >= 0 && IndexSlotDescriptor.stateAcquire(arena, layout.slotOffset(slot)) == IndexSlotDescriptor.SEALED;
    }

    /** Pins a sealed object. @return the pinned object, or null if {@code id} is not sealed here. */
    Pinned pin(ObjectId id) {
        while (true) {
            int slot = find(id);
            if (slot < 0) {
                return null;
            }
            long at = layout.slotOffset(slot);
            if (IndexSlotDescriptor.stateAcquire(arena, at) != IndexSlotDescriptor.SEALED) {
                return null;
            }
            long generation = IndexSlotDescriptor.generation(arena, at);
            ArenaDescriptor.INT.getAndAdd(pinRow, (long) slot * ArenaDescriptor.PIN_BYTES, 1);
            if (IndexSlotDescriptor.stateAcquire(arena, at) == IndexSlotDescriptor.SEALED
                && IndexSlotDescriptor.generation(arena, at) == generation && IndexSlotDescriptor.holds(arena, at, id)) {
                return new Pinned(slot, IndexSlotDescriptor.offset(arena, at), IndexSlotDescriptor.size(arena, at),
                    IndexSlotDescriptor.kind(arena, at));
            }
            unpin(slot); // the slot changed under us: look again
        }
    }

    void unpin(int slot) {
        ArenaDescriptor.INT.getAndAdd(pinRow, (long) slot * ArenaDescriptor.PIN_BYTES, -1);
    }

    /** One more pin on a slot this process has pinned already (so it stays put while that pin lasts). */
    void pinAgain(int slot) {
        ArenaDescriptor.INT.getAndAdd(pinRow, (long) slot * ArenaDescriptor.PIN_BYTES, 1);
    }

    /** Node only: does any client hold a pin on {@code slot}? Call after tombstoning it. */
    boolean pinnedByAnyone(int slot) {
        VarHandle.fullFence();
        for (int client = 0; client < layout.maxClients(); client++) {
            if ((int) ArenaDescriptor.INT.getVolatile(control, layout.pinOffset(client, slot)) != 0) {
                return true;
            }
        }
        return false;
    }

    /** A pinned object: where its bytes are, until unpinned. */
    record Pinned(int slot, long offset, long size, int kind) {
    }
}
