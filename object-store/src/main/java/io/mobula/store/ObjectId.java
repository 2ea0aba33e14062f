package io.mobula.store;

import java.util.HexFormat;

/**
 * The 128-bit name of an object in a Mobula object store.
 * <p>
 * The high word names who made the object (a node, a driver, a worker); the low word counts within
 * that maker, so ids are unique without coordination. Immutable; equal ids name the same object on
 * every node.
 */
public final class ObjectId implements Comparable<ObjectId> {
    /** Bytes an id takes on the wire and in the store's index. */
    public static final int BYTES = 16;

    private final long high;
    private final long low;

    public ObjectId(long high, long low) {
        this.high = high;
        this.low = low;
    }

    public long high() {
        return high;
    }

    public long low() {
        return low;
    }

    /** Parses the 32-hex-digit form that {@link #toString()} writes. */
    public static ObjectId parse(String hex) {
        if (hex == null || hex.length() != 32) {
            throw new IllegalArgumentException("an object id is 32 hex digits, got: " + hex);
        }
        return new ObjectId(HexFormat.fromHexDigitsToLong(hex, 0, 16), HexFormat.fromHexDigitsToLong(hex, 16, 32));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ObjectId id && id.high == high && id.low == low;
    }

    @Override
    public int hashCode() {
        long h = high * 0x9E3779B97F4A7C15L ^ low * 0xC2B2AE3D27D4EB4FL;
        return (int) (h ^ (h >>> 32));
    }

    @Override
    public int compareTo(ObjectId other) {
        int c = Long.compareUnsigned(high, other.high);
        return c != 0 ? c : Long.compareUnsigned(low, other.low);
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return hex.toHexDigits(high) + hex.toHexDigits(low);
    }
}
