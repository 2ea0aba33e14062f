package io.mobula.store.arena;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * One of the node's arena files (data or control): created at its full size, sparse, the owner's
 * alone (0600 from the moment it exists: the mode is given to the creating open, so there is no
 * window in which another user could open it), and mapped read-write.
 */
final class ArenaFile {
    /** Prefaulting goes in steps of this size, so a closing store stops it soon. */
    private static final long PREFAULT_CHUNK_BYTES = 64L << 20;

    private ArenaFile() {
    }

    /** Read and write for the owner, nothing for anyone else. */
    static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    /** A directory of the owner's alone: spill directories. */
    static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_DIRECTORY =
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    /** Creates {@code path} (which must not exist), mode 0600, with {@code bytes} bytes, and maps it into {@code mapping}. */
    static MemorySegment createAndMap(Path path, long bytes, Arena mapping) {
        try (FileChannel channel = FileChannel.open(path, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
            StandardOpenOption.WRITE), OWNER_ONLY)) {
            channel.position(bytes - 1);
            channel.write(ByteBuffer.wrap(new byte[1])); // sparse: pages appear on first touch
            return channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes, mapping);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the object store arena " + path + ": " + e.getMessage()
                + "; check that the directory exists, is writable and has room (df " + path.getParent() + ")", e);
        }
    }

    /** Populates the data region's pages, so first puts do not fault; stops early once {@code stop} says so. */
    static void prefaultData(MemorySegment arena, ArenaDescriptor layout, BooleanSupplier stop) {
        for (long at = layout.dataOffset(); at < layout.fileBytes() && !stop.getAsBoolean(); at += PREFAULT_CHUNK_BYTES) {
            if (!Madvise.populateWrite(arena.asSlice(at, Math.min(PREFAULT_CHUNK_BYTES, layout.fileBytes() - at)))) {
                return;
            }
        }
    }
}
