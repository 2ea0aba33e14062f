package io.mobula.store.arena;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.mobula.store.ObjectId;
import io.mobula.store.StoreFullException;

/**
 * Moves objects between the arena and the {@link Spiller}'s files: out, the least recently used
 * unpinned ones when a create finds no room; back in when the node's process asks for one. Every
 * method is called with the store's lock held; {@link #spillFor} lets it go while it writes a
 * batch to disk (the victims pinned by the node meanwhile), so gets, deletes and restores of other
 * objects do not wait on the disk. The holes spilling leaves are compacted by the caller
 * afterwards ({@link ArenaSpace#compact()}), since this class holds slot numbers across a batch.
 * <p>
 * A spilled object is not in the index, so readers in other processes see it again only once it
 * is restored; a reader that pins a victim while it is being written out keeps it in the arena.
 */
final class ArenaSpilling {
    /** At most this much is spilled in one batch, however small the request: fewer, larger files. */
    private static final long MAX_BATCH_BYTES = 64L << 20;

    private final MemorySegment arena;
    private final ArenaDescriptor layout;
    private final ArenaIndex index;
    private final ArenaSpace space;
    private final Spiller spiller;
    private final SealSequence seals;
    private final AccessStamps stamps;
    private final ReentrantLock lock;
    /** Signalled, under the lock, when a batch's write ends. */
    private final Condition writeDone;
    private int writesInFlight;

    ArenaSpilling(MemorySegment arena, ArenaDescriptor layout, ArenaIndex index, ArenaSpace space, Spiller spiller,
                  SealSequence seals, AccessStamps stamps, ReentrantLock lock, Condition writeDone) {
        this.stamps = stamps;
        this.lock = lock;
        this.writeDone = writeDone;
        this.arena = arena;
        this.layout = layout;
        this.index = index;
        this.space = space;
        this.spiller = spiller;
        this.seals = seals;
    }

    Spiller spiller() {
        return spiller;
    }

    /**
     * Moves the least recently used unpinned objects to disk, in one batch, until a block of
     * {@code size} bytes is free. Lets the store's lock go while the batch's file is written (if the
     * caller holds it once), so the caller must look at the store afresh after this returns.
     *
     * @return false if nothing could be spilled (every sealed object pinned, or every victim kept
     *         by a reader that pinned it during the write)
     * @throws io.mobula.store.SpillFailedException if the batch could not be written; every victim stays
     */
    boolean spillFor(long size) {
        List<long[]> candidates = new ArrayList<>(); // {lastAccess, slot}
        for (int slot = 0; slot < layout.indexSlots(); slot++) {
            long at = layout.slotOffset(slot);
            if (IndexSlotDescriptor.stateAcquire(arena, at) == IndexSlotDescriptor.SEALED && !index.pinnedByAnyone(slot)) {
                candidates.add(new long[] {stamps.stamp(slot), slot});
            }
        }
        if (candidates.isEmpty()) {
            return false;
        }
        candidates.sort(Comparator.comparingLong(c -> c[0]));
        long target = Math.max(size + size / 4, Math.min(MAX_BATCH_BYTES, layout.dataBytes() / 8));
        List<Spiller.Victim> victims = new ArrayList<>();
        List<Integer> slots = new ArrayList<>();
        long bytes = 0;
        for (long[] candidate : candidates) {
            int slot = (int) candidate[1];
            long at = layout.slotOffset(slot);
            ObjectId id = new ObjectId(arena.get(ValueLayout.JAVA_LONG, at + IndexSlotDescriptor.ID_HIGH),
                arena.get(ValueLayout.JAVA_LONG, at + IndexSlotDescriptor.ID_LOW));
            long objectSize = IndexSlotDescriptor.size(arena, at);
            victims.add(new Spiller.Victim(id, IndexSlotDescriptor.kind(arena, at),
                arena.asSlice(IndexSlotDescriptor.offset(arena, at), objectSize)));
            slots.add(slot);
            // the node's own pin keeps the victim's block from being freed (a delete defers it) or
            // moved (compaction skips pinned slots) while the lock is let go for the write
            index.pinAgain(slot);
            bytes += objectSize;
            if (bytes >= target) {
                break;
            }
        }
        List<Spiller.Location> written;
        java.nio.file.Path file = spiller.nextFile();
        writesInFlight++;
        boolean unlocked = lock.getHoldCount() == 1; // held more than once, it cannot be let go here
        if (unlocked) {
            lock.unlock();
        }
        try {
            written = spiller.write(file, victims);
        } catch (RuntimeException e) {
            relock(unlocked);
            for (int slot : slots) {
                unpinOwn(slot); // every victim stays in memory; one deleted meanwhile is freed now
            }
            throw e;
        }
        relock(unlocked);
        spiller.record(victims, written);
        boolean freedAny = false;
        boolean deletedAny = false;
        for (int i = 0; i < victims.size(); i++) {
            int slot = slots.get(i);
            long at = layout.slotOffset(slot);
            if (unpinOwn(slot)) {
                spiller.forget(victims.get(i).id()); // deleted while written: no record may outlive it
                deletedAny = true;
                continue;
            }
            IndexSlotDescriptor.stateVolatile(arena, at, IndexSlotDescriptor.TOMBSTONE);
            if (index.pinnedByAnyone(slot)) {
                // a reader pinned it while it was being written out: it stays, the disk copy goes;
                // a reader that saw the brief tombstone and went to sleep must be woken
                IndexSlotDescriptor.stateVolatile(arena, at, IndexSlotDescriptor.SEALED);
                spiller.forget(victims.get(i).id());
                seals.advance();
                continue;
            }
            space.free(slot, IndexSlotDescriptor.offset(arena, at), IndexSlotDescriptor.size(arena, at));
            freedAny = true;
        }
        return freedAny || deletedAny;
    }

    private void relock(boolean unlocked) {
        if (unlocked) {
            lock.lock();
        }
        writesInFlight--;
        writeDone.signalAll();
    }

    /**
     * Drops the node's spill pin on {@code slot}, under the lock. @return true if the object was
     * deleted while pinned (its slot a tombstone); its block is freed here unless a reader pins it.
     */
    private boolean unpinOwn(int slot) {
        index.unpin(slot);
        if (index.stateVolatile(slot) == IndexSlotDescriptor.TOMBSTONE) {
            space.released(slot);
            return true;
        }
        return false;
    }

    /** Batches being written without the lock now; the store's close waits for none. Under the lock. */
    int writesInFlight() {
        return writesInFlight;
    }

    /**
     * Brings a spilled object back into the arena, sealed (spilling others if need be). The caller
     * advances the seal sequence once it has let go of the lock.
     *
     * @return false if {@code id} is not spilled; true if it is in the arena now, or may be (look again)
     * @throws StoreFullException if there is no room and every object in the arena is pinned
     */
    boolean restore(ObjectId id) {
        Spiller.Location location = spiller.location(id);
        if (location == null) {
            return false;
        }
        ArenaSpace.Placement placement;
        while (!(placement = space.place(id, location.size())).found()) {
            if (!spillFor(location.size())) {
                throw new StoreFullException("cannot restore spilled object " + id + " (" + location.size()
                    + " bytes): every object in the store is pinned; release views and retry");
            }
            location = spiller.location(id);
            if (location == null) {
                return true; // restored or deleted while the lock was let go for the write: the caller looks again
            }
        }
        spiller.restore(id, arena.asSlice(placement.offset(), location.size()));
        space.occupy(placement, id, location.size(), location.kind());
        space.sealing(placement.slot());
        IndexSlotDescriptor.stateRelease(arena, layout.slotOffset(placement.slot()), IndexSlotDescriptor.SEALED);
        return true;
    }
}
