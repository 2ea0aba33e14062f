package io.mobula.store.codec;

import java.lang.foreign.MemorySegment;

/**
 * A value ready to be written: its kind and its bytes. For raw kinds {@code bytes} is a view of the
 * caller's own array, buffer or segment (nothing copied yet); the writer copies it once, into the
 * store or an inline buffer.
 */
public record EncodedValue(int kind, MemorySegment bytes) {
    public long size() {
        return bytes.byteSize();
    }

    /** Copies the bytes onto the heap: the inline form of a small value. */
    public byte[] toByteArray() {
        return bytes.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }
}
