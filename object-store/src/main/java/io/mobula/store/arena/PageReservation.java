package io.mobula.store.arena;

import java.lang.foreign.MemorySegment;
import java.util.BitSet;

import io.mobula.store.ObjectId;
import io.mobula.store.StoreFolderFullException;

/**
 * Gives an object's block its pages before the block is handed out to be filled. The arena is a
 * sparse file, so a page comes into being on its first write; if the folder is full by then
 * (someone else filled the tmpfs), that write is a SIGBUS in the middle of the caller's copy and
 * the object's slot is never sealed or freed. Populating the pages first with
 * {@code madvise(MADV_POPULATE_WRITE)} turns that into an error code here, before anything is
 * written: EFAULT (or ENOMEM) where a write would have faulted.
 * <p>
 * Pages are populated in chunks of the data region, each chunk once: a tmpfs or disk file keeps a
 * page once it has one (the store never punches holes), so later objects in the same chunk cost
 * nothing here. Thread safe; the madvise runs outside any lock.
 */
final class PageReservation {
    private static final long CHUNK_BYTES = 2L << 20;
    private static final int EFAULT = 14;
    private static final int ENOMEM = 12;
    private static final int ENOSPC = 28;

    private final MemorySegment arena;
    private final ArenaDescriptor layout;
    private final String folder;
    /** Chunks of the data region whose pages exist. Guarded by itself. */
    private final BitSet populated = new BitSet();

    PageReservation(MemorySegment arena, ArenaDescriptor layout, String folder) {
        this.arena = arena;
        this.layout = layout;
        this.folder = folder;
    }

    /**
     * Gives the metadata its pages at once: the index (every create writes a slot, at a place its
     * id's hash picks) and the whole control file (a delete reads every client's counter for its
     * slot, and on a tmpfs even a read of a hole takes a page). At most about 1.2% of the capacity (64
     * bytes of index and 32 x 4 bytes of pins per index slot, one slot per 16 to 32 KiB), which the store
     * comes to use as it runs anyway.
     *
     * @throws StoreFolderFullException if the folder has no room for them.
     */
    void reserveMetadata(MemorySegment control) {
        long index = layout.slotOffset(0);
        populate(arena.asSlice(index, layout.dataOffset() - index), folder, "the arena's index");
        populate(control, folder, "the arena's control file (client table and pin counters)");
    }

    /**
     * Populates {@code pages} (page aligned) for writing.
     *
     * @throws StoreFolderFullException naming {@code what} if the folder has no room for them.
     */
    static void populate(MemorySegment pages, String folder, String what) {
        int errno = Madvise.populateWriteErrno(pages);
        if (errno == EFAULT || errno == ENOMEM || errno == ENOSPC) {
            throw new StoreFolderFullException("no room in " + folder + " for " + what + ": the folder the object store "
                + "lives in is full (other files take its space); free space there, give it more room, or move the store "
                + "(NodeContext.storeDirectory, mobula start --store-dir)");
        }
        // 0, or an advice this kernel lacks (EINVAL, before Linux 5.14): nothing more can be done here
    }

    /**
     * Makes sure every page of {@code [offset, offset + size)} exists.
     *
     * @throws StoreFolderFullException if the folder has no room for them.
     */
    void reserve(ObjectId id, long offset, long size) {
        if (size == 0) {
            return;
        }
        int first = (int) ((offset - layout.dataOffset()) / CHUNK_BYTES);
        int last = (int) ((offset + size - 1 - layout.dataOffset()) / CHUNK_BYTES);
        for (int chunk = first; chunk <= last; chunk++) {
            synchronized (populated) {
                if (populated.get(chunk)) {
                    continue;
                }
            }
            long at = layout.dataOffset() + chunk * CHUNK_BYTES;
            populate(arena.asSlice(at, Math.min(CHUNK_BYTES, layout.fileBytes() - at)), folder,
                "the pages of object " + id + " (" + size + " bytes)");
            synchronized (populated) {
                populated.set(chunk);
            }
        }
    }
}
