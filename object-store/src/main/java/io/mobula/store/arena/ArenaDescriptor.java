package io.mobula.store.arena;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The arena file's regions and header fields (format version 2; docs/object-store-format.md).
 * <pre>
 *  0          4096            indexOffset         pinTableOffset        dataOffset        fileBytes
 *  +----------+---------------+-------------------+---------------------+-----------------+
 *  | header   | client table  | index             | pin table           | data            |
 *  |          | clients x 64  | slots x 64        | clients x slots x 4 | 64-byte aligned |
 *  +----------+---------------+-------------------+---------------------+-----------------+
 * </pre>
 * The header's and a client entry's fields are the layouts {@link #HEADER} and {@link #CLIENT_ENTRY}.
 */
public final class ArenaDescriptor {
    /**
     * The header's fields, in file order. The offset constants below are read off this layout, and
     * ArenaFormatAgreementTest holds it, field by field, against docs/object-store-format.md and
     * the constants of native/include/mobula_store.h ({@code MOBULA_HEADER_*}).
     */
    public static final StructLayout HEADER = MemoryLayout.structLayout(
        JAVA_LONG.withName("magic"),
        JAVA_INT.withName("formatVersion"),
        JAVA_INT.withName("headerBytes"),
        JAVA_LONG.withName("fileBytes"),
        JAVA_LONG.withName("clientTableOffset"),
        JAVA_INT.withName("maxClients"),
        JAVA_INT.withName("clientBytes"),
        JAVA_LONG.withName("indexOffset"),
        JAVA_INT.withName("indexSlots"),
        JAVA_INT.withName("slotBytes"),
        JAVA_LONG.withName("pinTableOffset"),
        JAVA_LONG.withName("dataOffset"),
        JAVA_LONG.withName("dataBytes"),
        JAVA_INT.withName("sealSequence"),
        JAVA_INT.withName("indexSequence"),
        JAVA_LONG.withName("ownerPid"));

    /** One entry of the client table ({@code MOBULA_CLIENT_*} in C): pid (0 = free) and process start time. */
    public static final StructLayout CLIENT_ENTRY = MemoryLayout.structLayout(
        JAVA_LONG.withName("pid"),
        JAVA_LONG.withName("startTime"),
        MemoryLayout.paddingLayout(48));

    /** "MOBULA01" as little-endian bytes. */
    public static final long MAGIC = 0x3130414C55424F4DL;
    /** 2: slots move back towards their home and tombstones return to EMPTY, under {@code indexSequence}. */
    public static final int FORMAT_VERSION = 2;
    /** The header's region: one page, of which {@link #HEADER} uses the start. */
    public static final int HEADER_BYTES = 4096;
    public static final int CLIENT_BYTES = (int) CLIENT_ENTRY.byteSize();
    /** One pin counter (u32) in the pin table. */
    public static final int PIN_BYTES = Integer.BYTES;
    /** Index, pin table and data start on pages of this size. */
    public static final int PAGE_BYTES = 4096;
    /** Every object's block in the data region starts on this boundary. */
    public static final long ALIGNMENT = 64;

    public static final long MAGIC_OFFSET = offsetOf(HEADER, "magic");
    public static final long FORMAT_VERSION_OFFSET = offsetOf(HEADER, "formatVersion");
    public static final long HEADER_BYTES_OFFSET = offsetOf(HEADER, "headerBytes");
    public static final long FILE_BYTES_OFFSET = offsetOf(HEADER, "fileBytes");
    public static final long CLIENT_TABLE_OFFSET_OFFSET = offsetOf(HEADER, "clientTableOffset");
    public static final long MAX_CLIENTS_OFFSET = offsetOf(HEADER, "maxClients");
    public static final long CLIENT_BYTES_OFFSET = offsetOf(HEADER, "clientBytes");
    public static final long INDEX_OFFSET_OFFSET = offsetOf(HEADER, "indexOffset");
    public static final long INDEX_SLOTS_OFFSET = offsetOf(HEADER, "indexSlots");
    public static final long SLOT_BYTES_OFFSET = offsetOf(HEADER, "slotBytes");
    public static final long PIN_TABLE_OFFSET_OFFSET = offsetOf(HEADER, "pinTableOffset");
    public static final long DATA_OFFSET_OFFSET = offsetOf(HEADER, "dataOffset");
    public static final long DATA_BYTES_OFFSET = offsetOf(HEADER, "dataBytes");
    public static final long SEAL_SEQUENCE_OFFSET = offsetOf(HEADER, "sealSequence");
    public static final long INDEX_SEQUENCE_OFFSET = offsetOf(HEADER, "indexSequence");
    public static final long OWNER_PID_OFFSET = offsetOf(HEADER, "ownerPid");

    public static final long CLIENT_PID_OFFSET = offsetOf(CLIENT_ENTRY, "pid");
    public static final long CLIENT_START_TIME_OFFSET = offsetOf(CLIENT_ENTRY, "startTime");

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
        long data4k = alignPage(pins + (long) maxClients * indexSlots * PIN_BYTES);
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
        return (offset + PAGE_BYTES - 1) & -(long) PAGE_BYTES;
    }

    /** The byte offset of the field {@code name} in a record layout. */
    static long offsetOf(StructLayout record, String name) {
        return record.byteOffset(MemoryLayout.PathElement.groupElement(name));
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
        return pinTableOffset + ((long) client * indexSlots + slot) * PIN_BYTES;
    }

    /** Offset of client {@code c}'s row of pin counters. */
    public long pinRowOffset(int client) {
        return pinTableOffset + (long) client * pinRowBytes();
    }

    /** Bytes of one client's row of pin counters. */
    public long pinRowBytes() {
        return (long) indexSlots * PIN_BYTES;
    }

    public long clientOffset(int client) {
        return clientTableOffset + (long) client * CLIENT_BYTES;
    }
}
