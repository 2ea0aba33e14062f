package io.mobula;

/**
 * Thrown at {@code remote()} when an argument cannot be serialized; names the argument's position
 * (0-based) and type.
 */
public class UnserializableArgumentException extends MobulaException {
    private final int position;
    private final Class<?> type;

    public UnserializableArgumentException(String message, int position, Class<?> type, Throwable cause) {
        super(message, cause);
        this.position = position;
        this.type = type;
    }

    /** The argument's 0-based position in the call. */
    public int position() {
        return position;
    }

    /** The class that could not be serialized (the argument's, or one nested in it). */
    public Class<?> type() {
        return type;
    }
}
