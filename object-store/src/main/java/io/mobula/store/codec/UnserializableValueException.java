package io.mobula.store.codec;

/** Thrown when a value cannot be serialized; the message names its type and why. */
public class UnserializableValueException extends RuntimeException {
    private final Class<?> type;

    public UnserializableValueException(Class<?> type, String message, Throwable cause) {
        super(message, cause);
        this.type = type;
    }

    /** The class of the value that could not be serialized. */
    public Class<?> type() {
        return type;
    }
}
