package io.mobula.store.arena;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The arena file's regions and header fields (format version 1; docs/object-store-format.md).
 * <pre>
 *  0          4096            indexOffset         pinTableOffset        dataOffset        fileBytes
 *  +----------+---------------+-------------------+---------------------+-----------------+
 *  | header   | client table  | index             | pin table           | data            |
 *  |          | clients x 64  | slots x 64        | clients x slots x 4 | 64-byte aligned |
 *  +----------+---------------+-------------------+---------------------+-----------------+
 * </pre>
 * Header:
 * <pre>
 *   0 magic u64 | 8 formatVersion u32 | 12 headerBytes u32 | 16 fileBytes u64
 *  24 clientTableOffset u64 | 32 maxClients u32 | 36 clientBytes u32
 *  40 indexOffset u64 | 48 indexSlots u32 | 52 slotBytes u32 | 56 pinTableOffset u64
 *  64 dataOffset u64 | 72 dataBytes u64 | 80 sealSequence u32 (futex word) | 88 ownerPid u64
 * </pre>
 */
public final class ArenaDescriptor {
    /** "MOBULA01" as little-endian bytes. */
    public static final long MAGIC = 0x3130414C55424F4DL;
    public static final int FORMAT_VERSION = 1;
    public static final int HEADER_BYTES = 4096;
    public static final int CLIENT_BYTES = 64;
    public static final long ALIGNMENT = 64;

    public static final long MAGIC_OFFSET = 0;
    public static final long FORMAT_VERSION_OFFSET = 8;
    public static final long HEADER_BYTES_OFFSET = 12;
    public static final long FILE_BYTES_OFFSET = 16;
    public static final long CLIENT_TABLE_OFFSET_OFFSET = 24;
    public static final long MAX_CLIENTS_OFFSET = 32;
    public static final long CLIENT_BYTES_OFFSET = 36;
    public static final long INDEX_OFFSET_OFFSET = 40;
    public static final long INDEX_SLOTS_OFFSET = 48;
    public static final long SLOT_BYTES_OFFSET = 52;
    public static final long PIN_TABLE_OFFSET_OFFSET = 56;
    public static final long DATA_OFFSET_OFFSET = 64;
    public static final long DATA_BYTES_OFFSET = 72;
    public static final long SEAL_SEQUENCE_OFFSET = 80;
    public static final long OWNER_PID_OFFSET = 88;

    /** Client table entry: pid (0 = free) and process start time. */
    public static final long CLIENT_PID_OFFSET = 0;
    public static final long CLIENT_START_TIME_OFFSET = 8;

    static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final long fileBytes;
    private final int maxClients;
    private final int indexSlots;
    private final long clientTableOffset;
    private final long indexOffset;
    private final long pinTableOffset;
    private final long dataOffset;
    private final long dataBytes;

    private ArenaDescriptor(long fileBytes, int maxClients, int indexSlots, long clientTableOffset, long indexOffset,
                            long pinTableOffset, long dataOffset, long dataBytes) {
        this.fileBytes = fileBytes;
        this.maxClients = maxClients;
        this.indexSlots = indexSlots;
        this.clientTableOffset = clientTableOffset;
        this.indexOffset = indexOffset;
        this.pinTableOffset = pinTableOffset;
        this.dataOffset = dataOffset;
        this.dataBytes = dataBytes;
    }

    /**
     * Lays out an arena whose data region holds {@code dataBytes}.
     *
     * @param indexSlots a power of two: the most objects the arena holds at once (at a load of 1).
     */
    public static ArenaDescriptor layout(long dataBytes, int indexSlots, int maxClients) {
        if (Integer.bitCount(indexSlots) != 1 || indexSlots < 16) {
            throw new IllegalArgumentException("indexSlots must be a power of two >= 16, got " + indexSlots);
        }
        if (maxClients < 2) {
            throw new IllegalArgumentException("maxClients must be >= 2 (the node and a reader), got " + maxClients);
        }
        // Index, pin table and data start on pages, so each reader's pin row (indexSlots x 4 bytes,
        // whole pages from 1024 slots up) can be mapped or protected writable on its own.
        long clientTable = HEADER_BYTES;
        long index = alignPage(clientTable + (long) maxClients * CLIENT_BYTES);
        long pins = alignPage(index + (long) indexSlots * IndexSlotDescriptor.SLOT_BYTES);
        long data4k = alignPage(pins + (long) maxClients * indexSlots * Integer.BYTES);
        long usable = dataBytes & ~(ALIGNMENT - 1);
        return new ArenaDescriptor(data4k + usable, maxClients, indexSlots, clientTable, index, pins, data4k, usable);
    }

    /** Reads the layout from a mapped header, checking magic and version. */
    public static ArenaDescriptor read(MemorySegment arena) {
        long magic = arena.get(ValueLayout.JAVA_LONG, MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw new IllegalStateException("not a Mobula arena (magic " + Long.toHexString(magic) + ")");
        }
        int version = arena.get(ValueLayout.JAVA_INT, FORMAT_VERSION_OFFSET);
        if (version != FORMAT_VERSION) {
            throw new IllegalStateException("arena format " + version + " is not " + FORMAT_VERSION
                + "; reader and node must be the same Mobula version");
        }
        return new ArenaDescriptor(arena.get(ValueLayout.JAVA_LONG, FILE_BYTES_OFFSET),
            arena.get(ValueLayout.JAVA_INT, MAX_CLIENTS_OFFSET), arena.get(ValueLayout.JAVA_INT, INDEX_SLOTS_OFFSET),
            arena.get(ValueLayout.JAVA_LONG, CLIENT_TABLE_OFFSET_OFFSET), arena.get(ValueLayout.JAVA_LONG, INDEX_OFFSET_OFFSET),
            arena.get(ValueLayout.JAVA_LONG, PIN_TABLE_OFFSET_OFFSET), arena.get(ValueLayout.JAVA_LONG, DATA_OFFSET_OFFSET),
            arena.get(ValueLayout.JAVA_LONG, DATA_BYTES_OFFSET));
    }

    /** Writes the header (the node, once, before anyone else maps the file). */
    void writeHeader(MemorySegment arena, long ownerPid) {
        arena.set(ValueLayout.JAVA_INT, FORMAT_VERSION_OFFSET, FORMAT_VERSION);
        arena.set(ValueLayout.JAVA_INT, HEADER_BYTES_OFFSET, HEADER_BYTES);
        arena.set(ValueLayout.JAVA_LONG, FILE_BYTES_OFFSET, fileBytes);
        arena.set(ValueLayout.JAVA_LONG, CLIENT_TABLE_OFFSET_OFFSET, clientTableOffset);
        arena.set(ValueLayout.JAVA_INT, MAX_CLIENTS_OFFSET, maxClients);
        arena.set(ValueLayout.JAVA_INT, CLIENT_BYTES_OFFSET, CLIENT_BYTES);
        arena.set(ValueLayout.JAVA_LONG, INDEX_OFFSET_OFFSET, indexOffset);
        arena.set(ValueLayout.JAVA_INT, INDEX_SLOTS_OFFSET, indexSlots);
        arena.set(ValueLayout.JAVA_INT, SLOT_BYTES_OFFSET, IndexSlotDescriptor.SLOT_BYTES);
        arena.set(ValueLayout.JAVA_LONG, PIN_TABLE_OFFSET_OFFSET, pinTableOffset);
        arena.set(ValueLayout.JAVA_LONG, DATA_OFFSET_OFFSET, dataOffset);
        arena.set(ValueLayout.JAVA_LONG, DATA_BYTES_OFFSET, dataBytes);
        arena.set(ValueLayout.JAVA_LONG, OWNER_PID_OFFSET, ownerPid);
        LONG.setRelease(arena, MAGIC_OFFSET, MAGIC); // last: a reader that sees the magic sees the rest
    }

    static long alignPage(long offset) {
        return (offset + 4095) & ~4095L;
    }

    static long align(long offset) {
        return (offset + ALIGNMENT - 1) & ~(ALIGNMENT - 1);
    }

    public long fileBytes() {
        return fileBytes;
    }

    public int maxClients() {
        return maxClients;
    }

    public int indexSlots() {
        return indexSlots;
    }

    public long dataOffset() {
        return dataOffset;
    }

    public long dataBytes() {
        return dataBytes;
    }

    public long pinTableOffset() {
        return pinTableOffset;
    }

    /** Offset of slot {@code s} in the index. */
    public long slotOffset(int slot) {
        return indexOffset + (long) slot * IndexSlotDescriptor.SLOT_BYTES;
    }

    /** Offset of client {@code c}'s pin counter for slot {@code s}. */
    public long pinOffset(int client, int slot) {
        return pinTableOffset + ((long) client * indexSlots + slot) * Integer.BYTES;
    }

    /** Offset of client {@code c}'s row of pin counters. */
    public long pinRowOffset(int client) {
        return pinTableOffset + (long) client * indexSlots * Integer.BYTES;
    }

    public long clientOffset(int client) {
        return clientTableOffset + (long) client * CLIENT_BYTES;
    }
}
