package io.mobula.store.arena;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mobula.store.ObjectId;
import io.mobula.store.SpillFailedException;

/**
 * Objects moved out of the arena to local disk when it is full, and back on demand. Victims are
 * written together, one file per batch, in one sequential pass (many small files are what made
 * Ray's spilling slow, ray#22485); a file is deleted once every object in it has been restored or
 * freed, and the directory when the store closes. The store's alone; not thread safe (it locks).
 */
final class Spiller {
    /**
     * A spill file is {@code spill-<ownerPid>-<n>.bin}: the pid keeps two stores' files apart in one
     * directory. Only such files are ever deleted from a spill directory.
     */
    private static final Pattern SPILL_FILE = Pattern.compile("spill-(\\d+)-\\d+\\.bin");

    private final Path directory;
    private final Map<ObjectId, Location> spilled = new HashMap<>();
    private final Map<Path, Integer> liveObjectsPerFile = new HashMap<>();
    private long spilledBytes;
    private int nextFile;

    private volatile Runnable beforeWrite = () -> { };
    private final long ownerPid;
    private final long ownerStartTime;

    /** @param ownerPid and {@code ownerStartTime}: the store's process, named in every file's manifest. */
    Spiller(Path directory, long ownerPid, long ownerStartTime) {
        this.directory = directory;
        this.ownerPid = ownerPid;
        this.ownerStartTime = ownerStartTime;
    }

    /** Where one spilled object's bytes are. */
    record Location(Path file, long offset, long size, int kind) {
    }

    /** An object to spill: its id, kind and bytes (still in the arena while being written). */
    record Victim(ObjectId id, int kind, MemorySegment bytes) {
    }

    /** The path of the next batch's file. Under the store's lock. */
    Path nextFile() {
        return directory.resolve("spill-" + ownerPid + "-" + (nextFile++) + ".bin");
    }

    /**
     * Writes the victims into {@code file}, a manifest then their bytes in order, and returns where
     * each one went; records nothing. Touches no state of this object but the hook, so the store
     * calls it without its lock, with the victims pinned. If any write fails the partial file is
     * removed: a batch is on disk whole or not at all.
     *
     * @throws SpillFailedException if the directory or file cannot be written
     */
    List<Location> write(Path file, List<Victim> victims) {
        List<Location> written = new ArrayList<>(victims.size());
        long offset = SpillFileDescriptor.dataOffset(victims.size());
        try {
            beforeWrite.run();
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory, ArenaFile.OWNER_ONLY_DIRECTORY);
            }
            try (FileChannel channel = FileChannel.open(file, java.util.EnumSet.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), ArenaFile.OWNER_ONLY)) {
                ByteBuffer manifest = SpillFileDescriptor.manifest(ownerPid, ownerStartTime,
                    victims.stream().map(Victim::id).toList(), victims.stream().map(Victim::kind).toList(),
                    victims.stream().map(v -> v.bytes().byteSize()).toList());
                while (manifest.hasRemaining()) {
                    channel.write(manifest);
                }
                for (Victim victim : victims) {
                    ByteBuffer bytes = victim.bytes().asByteBuffer();
                    while (bytes.hasRemaining()) {
                        channel.write(bytes);
                    }
                    written.add(new Location(file, offset, victim.bytes().byteSize(), victim.kind()));
                    offset += victim.bytes().byteSize();
                }
            }
            return written;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the store's close or the next store start's sweep removes it
            }
            throw new SpillFailedException("cannot spill " + victims.size() + " objects to " + directory + ": "
                + e.getMessage() + "; they stay in memory. Give the node a spill directory with room "
                + "(NodeContext.spillDirectory), or release references so less must spill", e);
        }
    }

    /**
     * Records a written batch: all of it, so a record always names bytes that are on disk. Under
     * the store's lock. The caller forgets, at once, any victim deleted while it was written.
     */
    void record(List<Victim> victims, List<Location> written) {
        for (int i = 0; i < victims.size(); i++) {
            spilled.put(victims.get(i).id(), written.get(i));
            spilledBytes += written.get(i).size();
        }
        liveObjectsPerFile.put(written.getFirst().file(), victims.size());
    }

    /** Test seam: runs before each batch's file is written, without the store's lock. */
    void beforeWrite(Runnable hook) {
        this.beforeWrite = hook;
    }

    Location location(ObjectId id) {
        return spilled.get(id);
    }

    boolean contains(ObjectId id) {
        return spilled.containsKey(id);
    }

    /** Reads a spilled object back into {@code target} (its size) and forgets the spilled copy. */
    void restore(ObjectId id, MemorySegment target) {
        Location location = spilled.get(id);
        try (FileChannel channel = FileChannel.open(location.file(), StandardOpenOption.READ)) {
            ByteBuffer into = target.asByteBuffer();
            long position = location.offset();
            while (into.hasRemaining()) {
                int read = channel.read(into, position);
                if (read < 0) {
                    throw new IOException("spill file ended early");
                }
                position += read;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restore object " + id + " from " + location.file() + ": " + e.getMessage(), e);
        }
        forget(id);
    }

    /** Drops a spilled object (deleted, or restored); deletes its file when it was the last one in it. */
    boolean forget(ObjectId id) {
        Location location = spilled.remove(id);
        if (location == null) {
            return false;
        }
        spilledBytes -= location.size();
        int left = liveObjectsPerFile.merge(location.file(), -1, Integer::sum);
        if (left == 0) {
            liveObjectsPerFile.remove(location.file());
            try {
                Files.deleteIfExists(location.file());
            } catch (IOException e) {
                // a leftover file is removed with the directory at close
            }
        }
        return true;
    }

    int spilledCount() {
        return spilled.size();
    }

    long spilledBytes() {
        return spilledBytes;
    }


    Path directory() {
        return directory;
    }

    /** Deletes this store's spill files, and the directory if that leaves it empty. */
    void clear() {
        spilled.clear();
        liveObjectsPerFile.clear();
        deleteSpillFiles(directory, ownerPid);
    }

    /**
     * Deletes the spill files of the store in process {@code ownerPid} in {@code directory}, then the
     * directory if that left it empty. Other files are left alone: a directory given by the user may
     * hold more than spills, and other stores' spill files.
     */
    static void deleteSpillFiles(Path directory, long ownerPid) {
        deleteSpillFilesWhere(directory, true, (file, pidInName) -> pidInName == ownerPid);
    }

    /**
     * Deletes the spill files in {@code directory} whose owner is dead, as the file's manifest tells
     * (pid and start time, so a reused pid does not keep them), or, for a file cut short before its
     * manifest was whole, as the pid in its name tells; then the directory if that left it empty.
     * A live owner's files are never deleted, nor a directory this deleted nothing from: a live
     * store between spills may have it empty and be about to write into it. @return how many
     * files were deleted.
     */
    static int deleteDeadOwnersSpillFiles(Path directory) {
        return deleteSpillFilesWhere(directory, false, (file, pidInName) -> {
            long[] owner = SpillFileDescriptor.owner(file);
            if (owner == null || owner[1] <= 0) { // no whole manifest, or its owner could not read its start time:
                return ProcessLiveness.startTime(owner == null ? pidInName : owner[0]) < 0; // the pid alone decides
            }
            return !ProcessLiveness.isAlive(owner[0], owner[1]);
        });
    }

    private interface Doomed {
        boolean test(Path file, long pidInName);
    }

    /** @param removeEmpty remove the directory if it ends up empty even when nothing was deleted from it. */
    private static int deleteSpillFilesWhere(Path directory, boolean removeEmpty, Doomed doomed) {
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        int deleted = 0;
        try (var files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Matcher m = SPILL_FILE.matcher(file.getFileName().toString());
                if (m.matches() && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                    && doomed.test(file, Long.parseLong(m.group(1))) && Files.deleteIfExists(file)) {
                    deleted++;
                }
            }
        } catch (IOException | java.io.UncheckedIOException | NumberFormatException e) {
            return deleted; // best effort: a later store start's sweep tries again
        }
        if (deleted == 0 && !removeEmpty) {
            return 0;
        }
        try {
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            // not empty (the user's own files, another store's spills) or not ours to remove
        }
        return deleted;
    }
}
