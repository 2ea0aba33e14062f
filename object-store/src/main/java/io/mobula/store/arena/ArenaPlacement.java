package io.mobula.store.arena;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.ToLongFunction;

import io.mobula.store.StoreException;

/**
 * Where an arena goes and how large it is, given how much the folders can hold. The arena is a
 * sparse file: creating it takes no room, but every page an object touches does, and a page the
 * folder cannot supply is a SIGBUS in the middle of a put. So the arena is never made larger than
 * the folder's free space, less a margin for everything else that lives there:
 * <ol>
 * <li>the whole capacity fits the store directory: there;</li>
 * <li>else it fits the fallback directory (the temp folder, on disk): there, as Ray does when
 *     {@code /dev/shm} is too small (Docker gives containers 64 MiB);</li>
 * <li>else the arena shrinks to what the roomier of the two holds.</li>
 * </ol>
 *
 * @param note null when the arena got what was asked, where it was asked; else what happened
 *             and what to change, for the store's description.
 */
record ArenaPlacement(Path directory, long capacityBytes, String note) {
    /** Below this there is no store worth having. */
    static final long MIN_CAPACITY_BYTES = 1 << 20;
    /** Left free in a folder at least: other programs' files, and the arena's own metadata pages. */
    static final long MIN_MARGIN_BYTES = 4L << 20;
    /** And at least this fraction of what is free. */
    static final int MARGIN_DIVISOR = 16;

    /**
     * @param fallback null: never fall back.
     * @throws StoreException if neither folder holds even {@link #MIN_CAPACITY_BYTES}.
     */
    static ArenaPlacement choose(long requested, int maxClients, Path directory, Path fallback) {
        return choose(requested, maxClients, directory, fallback, ArenaPlacement::usableSpace);
    }

    static ArenaPlacement choose(long requested, int maxClients, Path directory, Path fallback, ToLongFunction<Path> usable) {
        long room = room(usable.applyAsLong(directory));
        if (footprint(requested, maxClients) <= room) {
            return new ArenaPlacement(directory, requested, null);
        }
        long fallbackRoom = fallback == null || sameFolder(directory, fallback) ? -1 : room(usable.applyAsLong(fallback));
        String shortOf = directory + " has " + mib(room) + " MiB free for the object store (after a margin) but a store of "
            + mib(requested) + " MiB was asked for";
        String fix = "give " + directory + " more room (docker run --shm-size, a memory-backed emptyDir in Kubernetes), "
            + "ask for a smaller store capacity, or name another folder (NodeContext.storeDirectory, mobula start --store-dir)";
        if (fallbackRoom >= 0 && footprint(requested, maxClients) <= fallbackRoom) {
            return new ArenaPlacement(fallback, requested, shortOf + ": the arena is a disk-backed file in " + fallback
                + " instead (objects are still shared in place, but the OS writes them back to disk); " + fix);
        }
        Path roomier = fallbackRoom > room ? fallback : directory;
        long fitted = fit(requested, maxClients, Math.max(room, fallbackRoom));
        if (fitted < MIN_CAPACITY_BYTES) {
            throw new StoreException(shortOf + (fallback == null ? "" : ", and " + fallback + " has " + mib(fallbackRoom)
                + " MiB") + ": not even " + mib(MIN_CAPACITY_BYTES) + " MiB is free for the store; " + fix);
        }
        return new ArenaPlacement(roomier, fitted, shortOf + (fallback == null || roomier == fallback ? ""
            : ", and " + fallback + " has less") + ": the store is " + mib(fitted) + " MiB in " + roomier + "; " + fix);
    }

    /** Both files' bytes for a store of {@code capacity}. */
    static long footprint(long capacity, int maxClients) {
        ArenaDescriptor layout = SharedArenaStore.layoutFor(capacity, maxClients);
        return layout.fileBytes() + layout.controlBytes();
    }

    /** The largest capacity whose files fit in {@code room} bytes. */
    private static long fit(long requested, int maxClients, long room) {
        long capacity = Math.min(requested, room);
        while (capacity > 0) {
            long over = footprint(capacity, maxClients) - room;
            if (over <= 0) {
                return capacity;
            }
            capacity -= over; // the metadata shrinks with the capacity, so this converges from above
        }
        return 0;
    }

    private static long room(long usable) {
        return usable - Math.max(MIN_MARGIN_BYTES, usable / MARGIN_DIVISOR);
    }

    private static long usableSpace(Path directory) {
        try {
            return Files.getFileStore(directory).getUsableSpace();
        } catch (IOException e) {
            return 0; // cannot tell: treated as full, so the other folder is used if it has room
        }
    }

    private static boolean sameFolder(Path a, Path b) {
        try {
            return Files.isSameFile(a, b) || Files.getFileStore(a).equals(Files.getFileStore(b));
        } catch (IOException e) {
            return false;
        }
    }

    private static long mib(long bytes) {
        return Math.max(0, bytes) >> 20;
    }
}
