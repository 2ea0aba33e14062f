package io.mobula.store.arena;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import io.mobula.store.ObjectId;

/**
 * The index as one process sees it: lock-free lookups and pins for everyone, slot inserts,
 * tombstones and moves for the node. {@code arena} (the data file) may be a read-only mapping; a
 * process writes only its own row of pin counters ({@code pinRow}, in the control file).
 * <p>
 * Pin protocol: increment our counter (a volatile read-modify-write, a full fence), then re-read
 * the slot's state, id and generation with volatile loads; if it no longer holds that object
 * sealed, undo and look up again. The node stores TOMBSTONE (volatile) before it reads the
 * counters, so one of the two always sees the other: either the reader backs off, or the node sees
 * the pin and keeps the bytes (or, for a move, leaves the object where it is). This is a
 * store-buffering handshake, and it needs sequential consistency on both sides: with an acquire
 * load for the re-check, the reader's load may be satisfied before its increment is visible to the
 * node (x86's store buffer lets a load pass an earlier store to another address, and the C11 and
 * Java models allow the same), so both could miss each other and the reader would keep a pin on a
 * block the node frees.
 * <p>
 * Moves: the node shifts entries back into holes on their probe path so that lookups stay short
 * ({@link ArenaSpace}). While it does, {@code indexSequence} in the header is odd. A lookup that
 * finds nothing re-reads the sequence and looks again if a move ran meanwhile, so a move never
 * makes a sealed object look absent. A lookup that finds the object needs no such check: the pin
 * re-check above rejects a slot the object has left.
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

    /**
     * @return the slot holding {@code id} in state CREATED or SEALED, or -1. A miss is certain: no
     *         move ran while the probe looked.
     */
    int find(ObjectId id) {
        long high = id.high();
        long low = id.low();
        int home = IndexSlotDescriptor.home(id, layout.indexSlots());
        for (int attempt = 0; ; attempt++) {
            int sequence = indexSequence();
            int slot = probe(home, high, low);
            if (slot >= 0) {
                return slot;
            }
            // The loads of the probe come before the re-read: with the node's fence after its
            // odd increment, a probe that saw any store of a move sees the sequence changed.
            VarHandle.acquireFence();
            if ((sequence & 1) == 0 && sequence == (int) ArenaDescriptor.INT.getOpaque(arena, ArenaDescriptor.INDEX_SEQUENCE_OFFSET)) {
                return -1;
            }
            if (attempt > 64) {
                Thread.yield(); // the node is mid-move (and perhaps descheduled): let it finish
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /**
     * How many slots a lookup of {@code id} examines now (the last one is EMPTY for a miss, the
     * object's own slot for a hit): what a create's existence check and a waiting reader pay.
     */
    int probes(ObjectId id) {
        int slot = IndexSlotDescriptor.home(id, layout.indexSlots());
        for (int probes = 1; probes <= mask + 1; probes++, slot = (slot + 1) & mask) {
            long at = layout.slotOffset(slot);
            int state = IndexSlotDescriptor.stateAcquire(arena, at);
            if (state == IndexSlotDescriptor.EMPTY
                || state != IndexSlotDescriptor.TOMBSTONE && IndexSlotDescriptor.holds(arena, at, id)) {
                return probes;
            }
        }
        return mask + 1;
    }

    /** One pass from the home slot to the id or an EMPTY slot (at most every slot once). */
    private int probe(int home, long high, long low) {
        int slot = home;
        for (int probes = 0; probes <= mask; probes++, slot = (slot + 1) & mask) {
            long at = layout.slotOffset(slot);
            int state = IndexSlotDescriptor.stateAcquire(arena, at);
            if (state == IndexSlotDescriptor.EMPTY) {
                return -1;
            }
            if (state != IndexSlotDescriptor.TOMBSTONE && IndexSlotDescriptor.holds(arena, at, high, low)) {
                return slot;
            }
        }
        return -1;
    }

    /** The header's move sequence (acquire): odd while the node moves entries. */
    int indexSequence() {
        return (int) ArenaDescriptor.INT.getAcquire(arena, ArenaDescriptor.INDEX_SEQUENCE_OFFSET);
    }

    /** @return true if {@code id} is sealed now. */
    boolean isSealed(ObjectId id) {
        while (true) {
            int slot = find(id);
            if (slot < 0) {
                return false;
            }
            long at = layout.slotOffset(slot);
            int state = IndexSlotDescriptor.stateAcquire(arena, at);
            if (IndexSlotDescriptor.holds(arena, at, id) && (state == IndexSlotDescriptor.SEALED || state == IndexSlotDescriptor.CREATED)) {
                return state == IndexSlotDescriptor.SEALED;
            }
            // the slot changed since the lookup: a move (the object is elsewhere now) or a delete
        }
    }

    /**
     * Pins a sealed object. Allocates nothing: the object's offset, size and kind are read from
     * the slot, which cannot change while the pin holds.
     *
     * @return the pinned slot, or -1 if {@code id} is not sealed here.
     */
    int pin(ObjectId id) {
        long high = id.high();
        long low = id.low();
        while (true) {
            int slot = find(id);
            if (slot < 0) {
                return -1;
            }
            long at = layout.slotOffset(slot);
            int state = IndexSlotDescriptor.stateAcquire(arena, at);
            long generation = IndexSlotDescriptor.generation(arena, at);
            if (state != IndexSlotDescriptor.SEALED || !IndexSlotDescriptor.holds(arena, at, high, low)) {
                if (state == IndexSlotDescriptor.CREATED && IndexSlotDescriptor.holds(arena, at, high, low)) {
                    return -1; // not sealed yet
                }
                continue; // the slot changed since the lookup (a move or a delete): look again
            }
            ArenaDescriptor.INT.getAndAdd(pinRow, (long) slot * ArenaDescriptor.PIN_BYTES, 1);
            if (IndexSlotDescriptor.stateVolatile(arena, at) == IndexSlotDescriptor.SEALED
                && IndexSlotDescriptor.generationVolatile(arena, at) == generation
                && IndexSlotDescriptor.holdsVolatile(arena, at, high, low)) {
                return slot;
            }
            unpin(slot); // the slot changed under us (deleted, moved, or refilled): look again
        }
    }

    /** Where the pinned object's bytes are (file offset). */
    long offset(int slot) {
        return IndexSlotDescriptor.offset(arena, layout.slotOffset(slot));
    }

    long size(int slot) {
        return IndexSlotDescriptor.size(arena, layout.slotOffset(slot));
    }

    int kind(int slot) {
        return IndexSlotDescriptor.kind(arena, layout.slotOffset(slot));
    }

    /** State of a slot, with a volatile load: after an unpin, to see whether the node deleted it meanwhile. */
    int stateVolatile(int slot) {
        return IndexSlotDescriptor.stateVolatile(arena, layout.slotOffset(slot));
    }

    void unpin(int slot) {
        ArenaDescriptor.INT.getAndAdd(pinRow, (long) slot * ArenaDescriptor.PIN_BYTES, -1);
    }

    /** One more pin on a slot this process has pinned already (so it stays put while that pin lasts). */
    void pinAgain(int slot) {
        ArenaDescriptor.INT.getAndAdd(pinRow, (long) slot * ArenaDescriptor.PIN_BYTES, 1);
    }

    /**
     * Node only: does any client hold a pin on {@code slot}? Call after tombstoning it (volatile).
     * Rows of free client entries are skipped: their 32 counters sit a row apart (a cache miss each),
     * while the entries are one small table. Skipping is safe: a reader claims its entry (a
     * volatile compare-and-set of the pid) before it pins anything, so if this volatile load still
     * reads pid 0, the reader's pin and its re-check come later in the total order than the
     * tombstone, and the re-check sees it. A row the node zeroed when its reader died or closed
     * holds no pins either.
     */
    boolean pinnedByAnyone(int slot) {
        VarHandle.fullFence();
        if ((int) ArenaDescriptor.INT.getVolatile(control, layout.pinOffset(ClientTable.NODE_CLIENT, slot)) != 0) {
            return true;
        }
        for (int client = ClientTable.NODE_CLIENT + 1; client < layout.maxClients(); client++) {
            if ((long) ArenaDescriptor.LONG.getVolatile(control, layout.clientOffset(client) + ArenaDescriptor.CLIENT_PID_OFFSET) != 0
                && (int) ArenaDescriptor.INT.getVolatile(control, layout.pinOffset(client, slot)) != 0) {
                return true;
            }
        }
        return false;
    }
}
