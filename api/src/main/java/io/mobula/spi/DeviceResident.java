package io.mobula.spi;

import java.lang.foreign.MemorySegment;

/**
 * A value that lives in a device's memory (a GPU array). The runtime keeps such a value where it
 * is: a task on the same device receives the very same value, with no copy. Anywhere else it is
 * moved once: {@code get} on the host receives {@link #toHost()} (written into the object store
 * once), and a task on another device receives {@link #copyToDevice(int)}.
 * <p>
 * The implementation frees its device memory itself once the value is unreachable (a cleaner):
 * the same value may be held by several entries, and only it knows when the last one goes.
 */
public interface DeviceResident {
    /** The ordinal of the device that holds the value. */
    int deviceOrdinal();

    /** A host copy (such as a {@code float[]}): what {@code get} returns outside the device. */
    Object toHost();

    /** A copy on another device, for a task that runs there. */
    DeviceResident copyToDevice(int ordinal);

    /**
     * The size of the host form in bytes, when it can be written straight into store memory by
     * {@link #copyToHost}; -1 (the default) when only {@link #toHost()} can make it.
     */
    default long hostBytes() {
        return -1;
    }

    /** The store encoding of the host form ({@code io.mobula.store.codec.ValueKind}), with {@link #hostBytes}. */
    default int hostKind() {
        return 0;
    }

    /** Copies the host form into {@code target} ({@link #hostBytes} long): store memory, no staging. */
    default void copyToHost(MemorySegment target) {
        throw new UnsupportedOperationException(getClass().getName() + " copies to the host only through toHost()");
    }
}
