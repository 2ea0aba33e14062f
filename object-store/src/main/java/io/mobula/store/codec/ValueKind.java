package io.mobula.store.codec;

/**
 * How a value's bytes are encoded, stored beside them in the store (the object's {@code kind}).
 * <p>
 * Arrays of primitives, {@code ByteBuffer} and {@code MemorySegment} are raw: their bytes are the
 * value, in native order, written with one bulk copy and read back with one (or, for buffers and
 * segments, as a read-only view with none). Everything else is a Fory graph.
 */
public final class ValueKind {
    public static final int FORY = 1;
    public static final int BYTES = 2;
    public static final int BOOLEANS = 3;
    public static final int CHARS = 4;
    public static final int SHORTS = 5;
    public static final int INTS = 6;
    public static final int LONGS = 7;
    public static final int FLOATS = 8;
    public static final int DOUBLES = 9;
    public static final int BYTE_BUFFER = 10;
    public static final int MEMORY_SEGMENT = 11;

    private ValueKind() {
    }

    /** @return true when {@code kind} is decoded as a view of the stored bytes rather than a copy. */
    public static boolean isView(int kind) {
        return kind == BYTE_BUFFER || kind == MEMORY_SEGMENT;
    }

    public static String name(int kind) {
        return switch (kind) {
            case FORY -> "fory";
            case BYTES -> "byte[]";
            case BOOLEANS -> "boolean[]";
            case CHARS -> "char[]";
            case SHORTS -> "short[]";
            case INTS -> "int[]";
            case LONGS -> "long[]";
            case FLOATS -> "float[]";
            case DOUBLES -> "double[]";
            case BYTE_BUFFER -> "ByteBuffer";
            case MEMORY_SEGMENT -> "MemorySegment";
            default -> "unknown(" + kind + ")";
        };
    }
}
