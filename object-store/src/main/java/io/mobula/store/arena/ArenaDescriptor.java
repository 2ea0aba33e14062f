package io.mobula.store.arena;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The arena's two files, their regions and header fields (format version 2; docs/object-store-format.md).
 * <pre>
 *  data file (only the node writes; readers map it read-only)
 *  0          4096 = indexOffset          dataOffset                    fileBytes
 *  +----------+---------------------------+-----------------------------+
 *  | header   | index                     | data                        |
 *  |          | slots x 64                | 64-byte aligned blocks      |
 *  +----------+---------------------------+-----------------------------+
 *
 *  control file (what readers write: their client entry and their pin row)
 *  0 = clientTableOffset    pinTableOffset                      controlBytes
 *  +------------------------+-----------------------------------+
 *  | client table           | pin table                         |
 *  | clients x 64           | clients x slots x 4               |
 *  +------------------------+-----------------------------------+
 * </pre>
 * Offsets of the index and the data are in the data file; of the client table and the pin table,
 * in the control file. The header's and a client entry's fields are the layouts {@link #HEADER}
 * and {@link #CLIENT_ENTRY}.
 */
public final class ArenaDescriptor {
    /** Room for the spill directory's path (UTF-8) in the header; a longer path is not recorded. */
    public static final int SPILL_PATH_MAX_BYTES = 1024;

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
        JAVA_LONG.withName("ownerPid"),
        JAVA_LONG.withName("ownerStartTime"),
        JAVA_LONG.withName("controlBytes"),
        JAVA_INT.withName("spillPathBytes"),
        MemoryLayout.paddingLayout(Integer.BYTES),
        MemoryLayout.sequenceLayout(ArenaDescriptor.SPILL_PATH_MAX_BYTES, ValueLayout.JAVA_BYTE).withName("spillPath"));

    /** One entry of the client table ({@code MOBULA_CLIENT_*} in C): pid (0 = free) and process start time. */
    public static final StructLayout CLIENT_ENTRY = MemoryLayout.structLayout(
        JAVA_LONG.withName("pid"),
        JAVA_LONG.withName("startTime"),
        MemoryLayout.paddingLayout(48));

    /** "MOBULA01" as little-endian bytes. */
    public static final long MAGIC = 0x3130414C55424F4DL;
    /**
     * 2: two files (data and control), the owner's start time, and slots that move back towards their
     * home while tombstones return to EMPTY, under {@code indexSequence}.
     */
    public static final int FORMAT_VERSION = 2;
    /** The data file's name ends so; its control file's name ends with {@link #CONTROL_SUFFIX} instead. */
    public static final String DATA_SUFFIX = ".arena";
    public static final String CONTROL_SUFFIX = ".control";
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
    public static final long OWNER_START_TIME_OFFSET = offsetOf(HEADER, "ownerStartTime");
    public static final long CONTROL_BYTES_OFFSET = offsetOf(HEADER, "controlBytes");
    public static final long SPILL_PATH_BYTES_OFFSET = offsetOf(HEADER, "spillPathBytes");
    public static final long SPILL_PATH_OFFSET = offsetOf(HEADER, "spillPath");

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
    private final long controlBytes;

    private ArenaDescriptor(long fileBytes, int maxClients, int indexSlots, long clientTableOffset, long indexOffset,
                            long pinTableOffset, long dataOffset, long dataBytes, long controlBytes) {
        this.fileBytes = fileBytes;
        this.maxClients = maxClients;
        this.indexSlots = indexSlots;
        this.clientTableOffset = clientTableOffset;
        this.indexOffset = indexOffset;
        this.pinTableOffset = pinTableOffset;
        this.dataOffset = dataOffset;
        this.dataBytes = dataBytes;
        this.controlBytes = controlBytes;
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
        // Data file: the index and the data start on pages. Control file: the pin table starts on a
        // page, so each reader's pin row (indexSlots x 4 bytes, whole pages from 1024 slots up) can
        // be mapped or protected writable on its own.
        long index = HEADER_BYTES;
        long data = alignPage(index + (long) indexSlots * IndexSlotDescriptor.SLOT_BYTES);
        long usable = dataBytes & ~(ALIGNMENT - 1);
        long clientTable = 0;
        long pins = alignPage(clientTable + (long) maxClients * CLIENT_BYTES);
        long control = alignPage(pins + (long) maxClients * indexSlots * PIN_BYTES);
        return new ArenaDescriptor(data + usable, maxClients, indexSlots, clientTable, index, pins, data, usable, control);
    }

    /**
     * Reads the layout from a mapped header, checking magic and version.
     *
     * @throws IllegalStateException if it is not an arena header of this format version.
     */
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
            arena.get(ValueLayout.JAVA_LONG, DATA_BYTES_OFFSET), arena.get(ValueLayout.JAVA_LONG, CONTROL_BYTES_OFFSET));
    }

    /**
     * Writes the header (the node, once, before anyone else maps the file): the layout, the owner
     * (pid and process start time, by which a later store start tells a dead owner's files), and
     * the spill directory, if any and if its path fits, so that it is swept with them.
     */
    void writeHeader(MemorySegment arena, long ownerPid, long ownerStartTime, java.nio.file.Path spillDirectory) {
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
        arena.set(ValueLayout.JAVA_LONG, OWNER_START_TIME_OFFSET, ownerStartTime);
        arena.set(ValueLayout.JAVA_LONG, CONTROL_BYTES_OFFSET, controlBytes);
        byte[] spill = spillDirectory == null ? new byte[0]
            : spillDirectory.toAbsolutePath().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (spill.length <= SPILL_PATH_MAX_BYTES) {
            MemorySegment.copy(spill, 0, arena, ValueLayout.JAVA_BYTE, SPILL_PATH_OFFSET, spill.length);
            arena.set(ValueLayout.JAVA_INT, SPILL_PATH_BYTES_OFFSET, spill.length);
        }
        LONG.setRelease(arena, MAGIC_OFFSET, MAGIC); // last: a reader that sees the magic sees the rest
    }

    /** The owner's pid, as the header records it. */
    static long ownerPid(MemorySegment header) {
        return header.get(ValueLayout.JAVA_LONG, OWNER_PID_OFFSET);
    }

    /** The owner's process start time (field 22 of /proc/<pid>/stat), as the header records it. */
    static long ownerStartTime(MemorySegment header) {
        return header.get(ValueLayout.JAVA_LONG, OWNER_START_TIME_OFFSET);
    }

    /** The spill directory the header records, or null if none was recorded. */
    static java.nio.file.Path spillDirectory(MemorySegment header) {
        int bytes = header.get(ValueLayout.JAVA_INT_UNALIGNED, SPILL_PATH_BYTES_OFFSET);
        if (bytes <= 0 || bytes > SPILL_PATH_MAX_BYTES) {
            return null;
        }
        byte[] path = new byte[bytes];
        MemorySegment.copy(header, ValueLayout.JAVA_BYTE, SPILL_PATH_OFFSET, path, 0, bytes);
        return java.nio.file.Path.of(new String(path, java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * The control file of the data file {@code data}: beside it, its name ending {@code .control}
     * for {@code .arena}.
     *
     * @throws IllegalArgumentException if {@code data}'s name does not end with {@code .arena}.
     */
    public static java.nio.file.Path controlPath(java.nio.file.Path data) {
        String name = data.getFileName().toString();
        if (!name.endsWith(DATA_SUFFIX) || name.length() == DATA_SUFFIX.length()) {
            throw new IllegalArgumentException("an arena's data file must be named <name>" + DATA_SUFFIX + ", got " + data
                + "; its control file is <name>" + CONTROL_SUFFIX + " beside it");
        }
        return data.resolveSibling(name.substring(0, name.length() - DATA_SUFFIX.length()) + CONTROL_SUFFIX);
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

    /** Offset of the pin table in the control file. */
    public long pinTableOffset() {
        return pinTableOffset;
    }

    /** Size of the control file. */
    public long controlBytes() {
        return controlBytes;
    }

    /** Offset of slot {@code s} in the index, in the data file. */
    public long slotOffset(int slot) {
        return indexOffset + (long) slot * IndexSlotDescriptor.SLOT_BYTES;
    }

    /** Offset of client {@code c}'s pin counter for slot {@code s}, in the control file. */
    public long pinOffset(int client, int slot) {
        return pinTableOffset + ((long) client * indexSlots + slot) * PIN_BYTES;
    }

    /** Offset of client {@code c}'s row of pin counters, in the control file. */
    public long pinRowOffset(int client) {
        return pinTableOffset + (long) client * pinRowBytes();
    }

    /** Bytes of one client's row of pin counters. */
    public long pinRowBytes() {
        return (long) indexSlots * PIN_BYTES;
    }

    /** Offset of client {@code c}'s entry in the client table, in the control file. */
    public long clientOffset(int client) {
        return clientTableOffset + (long) client * CLIENT_BYTES;
    }
}
