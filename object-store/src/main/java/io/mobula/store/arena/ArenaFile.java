package io.mobula.store.arena;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.BooleanSupplier;

/** The node's arena file: created at its full size, sparse, and mapped read-write. */
final class ArenaFile {
    /** Prefaulting goes in steps of this size, so a closing store stops it soon. */
    private static final long PREFAULT_CHUNK_BYTES = 64L << 20;

    private ArenaFile() {
    }

    /** Creates {@code path} (which must not exist) with {@code layout.fileBytes()} bytes and maps it into {@code mapping}. */
    static MemorySegment createAndMap(Path path, ArenaDescriptor layout, Arena mapping) {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
            StandardOpenOption.WRITE)) {
            channel.truncate(0);
            channel.position(layout.fileBytes() - 1);
            channel.write(ByteBuffer.wrap(new byte[1])); // sparse: pages appear on first touch
            return channel.map(FileChannel.MapMode.READ_WRITE, 0, layout.fileBytes(), mapping);
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
