package io.mobula.store.arena;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.mobula.store.ObjectId;
import io.mobula.store.SpillFailedException;

/**
 * Objects moved out of the arena to local disk when it is full, and back on demand. Victims are
 * written together, one file per batch, in one sequential pass (many small files are what made
 * Ray's spilling slow, ray#22485); a file is deleted once every object in it has been restored or
 * freed, and the directory when the store closes. The store's alone; not thread safe (it locks).
 */
final class Spiller {
    /** A spill file is {@code spill-<n>.bin}; only such files are ever deleted from a spill directory. */
    private static final String SPILL_FILE_PREFIX = "spill-";
    private static final String SPILL_FILE_SUFFIX = ".bin";
    private static final java.util.regex.Pattern SPILL_FILE = java.util.regex.Pattern.compile("spill-\\d+\\.bin");

    private final Path directory;
    private final Map<ObjectId, Location> spilled = new HashMap<>();
    private final Map<Path, Integer> liveObjectsPerFile = new HashMap<>();
    private long spilledBytes;
    private int nextFile;

    Spiller(Path directory) {
        this.directory = directory;
    }

    /** Where one spilled object's bytes are. */
    record Location(Path file, long offset, long size, int kind) {
    }

    /** An object to spill: its id, kind and bytes (still in the arena while being written). */
    record Victim(ObjectId id, int kind, MemorySegment bytes) {
    }

    /**
     * Writes the victims into one new file, in order, and records where each one went: all of them
     * or, if any write fails, none (the partial file is removed), so a record always names bytes
     * that are on disk and an object whose write failed is only in memory.
     *
     * @throws SpillFailedException if the directory or file cannot be written; nothing is recorded
     */
    void spill(List<Victim> victims) {
        if (victims.isEmpty()) {
            return;
        }
        Path file = directory.resolve(SPILL_FILE_PREFIX + (nextFile++) + SPILL_FILE_SUFFIX);
        List<Location> written = new ArrayList<>(victims.size());
        long offset = 0;
        try {
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory, ArenaFile.OWNER_ONLY_DIRECTORY);
            }
            try (FileChannel channel = FileChannel.open(file, java.util.EnumSet.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), ArenaFile.OWNER_ONLY)) {
                for (Victim victim : victims) {
                    ByteBuffer bytes = victim.bytes().asByteBuffer();
                    while (bytes.hasRemaining()) {
                        channel.write(bytes);
                    }
                    written.add(new Location(file, offset, victim.bytes().byteSize(), victim.kind()));
                    offset += victim.bytes().byteSize();
                }
            }
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
        for (int i = 0; i < victims.size(); i++) {
            spilled.put(victims.get(i).id(), written.get(i));
        }
        spilledBytes += offset;
        liveObjectsPerFile.put(file, victims.size());
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

    /** Deletes every spill file and the directory. */
    void clear() {
        spilled.clear();
        liveObjectsPerFile.clear();
        deleteSpillFiles(directory);
    }

    /**
     * Deletes the spill files in {@code directory}, then the directory if that left it empty.
     * Other files are left alone: a directory given by the user may hold more than spills.
     */
    static void deleteSpillFiles(Path directory) {
        if (!Files.isDirectory(directory, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (SPILL_FILE.matcher(file.getFileName().toString()).matches()) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            return; // best effort: a later store start's sweep tries again
        }
        try {
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            // not empty (the user's own files) or not ours to remove
        }
    }
}
