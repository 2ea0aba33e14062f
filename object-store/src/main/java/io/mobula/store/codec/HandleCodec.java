package io.mobula.store.codec;

/**
 * Writes and reads a value that stands for something a runtime tracks (an object ref, an actor
 * handle) when it is nested inside another value. The runtime supplies these; the store knows
 * nothing of what the handles mean.
 */
public interface HandleCodec<T> {
    Class<T> type();

    /** Writes {@code value} as a few numbers and strings; called on the serializing thread. */
    void write(T value, HandleOutput out);

    /** Reads what {@link #write} wrote and returns the live handle. */
    T read(HandleInput in);

    /** Where a handle writes its fields. */
    interface HandleOutput {
        void writeLong(long value);

        void writeString(String value);
    }

    /** Where a handle reads its fields back, in the order written. */
    interface HandleInput {
        long readLong();

        String readString();
    }
}
