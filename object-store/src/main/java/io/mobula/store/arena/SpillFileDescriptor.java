package io.mobula.store.arena;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import io.mobula.store.ObjectId;

/**
 * The layout of a spill file: a manifest, then the objects' bytes. The manifest makes a file
 * self-describing, so a store start can tell whose it is (and that its owner died) without the
 * owner's arena, and so what it holds can be read without the owner's in-memory records.
 * All fields little-endian.
 * <pre>
 *   0                   8         12        16                  24                  32
 *   +-------------------+---------+---------+-------------------+-------------------+
 *   | magic "MOBSPILL"  | version | count   | ownerPid          | ownerStartTime    |
 *   +-------------------+---------+---------+-------------------+-------------------+
 *   count entries of 40 bytes each, from 32:
 *   +-------------------+-------------------+-------------------+-------------------+------+--------+
 *   | idHigh            | idLow             | size              | offset            | kind | 0 (u32)|
 *   +-------------------+-------------------+-------------------+-------------------+------+--------+
 *   then the objects' bytes, each at its entry's offset (from the file's start), in entry order.
 * </pre>
 * The manifest is written before any object's bytes: a file cut short by a failed write still
 * names its owner.
 */
final class SpillFileDescriptor {
    static final long MAGIC = 0x4C4C495053424F4DL; // "MOBSPILL" read little-endian
    static final int VERSION = 1;
    static final int HEADER_BYTES = 32;
    static final int ENTRY_BYTES = 40;
    static final int COUNT_OFFSET = 12;
    static final int OWNER_PID_OFFSET = 16;
    static final int OWNER_START_TIME_OFFSET = 24;

    private SpillFileDescriptor() {
    }

    /** Where the first object's bytes start in a file of {@code count} objects. */
    static long dataOffset(int count) {
        return HEADER_BYTES + (long) ENTRY_BYTES * count;
    }

    /** The manifest of objects of {@code sizes} laid out one after another from {@link #dataOffset}. */
    static ByteBuffer manifest(long ownerPid, long ownerStartTime, List<ObjectId> ids, List<Integer> kinds, List<Long> sizes) {
        int count = ids.size();
        ByteBuffer b = ByteBuffer.allocate((int) dataOffset(count)).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(MAGIC).putInt(VERSION).putInt(count).putLong(ownerPid).putLong(ownerStartTime);
        long offset = dataOffset(count);
        for (int i = 0; i < count; i++) {
            b.putLong(ids.get(i).high()).putLong(ids.get(i).low()).putLong(sizes.get(i)).putLong(offset)
                .putInt(kinds.get(i)).putInt(0);
            offset += sizes.get(i);
        }
        return b.flip();
    }

    /** The owner a spill file names: {pid, startTime}, or null if it has no complete manifest header. */
    static long[] owner(Path file) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (header.hasRemaining() && channel.read(header) >= 0) {
                // read the whole header, or what the file has of it
            }
        } catch (IOException e) {
            return null;
        }
        if (header.hasRemaining() || header.getLong(0) != MAGIC || header.getInt(8) != VERSION) {
            return null;
        }
        return new long[] {header.getLong(OWNER_PID_OFFSET), header.getLong(OWNER_START_TIME_OFFSET)};
    }
}
