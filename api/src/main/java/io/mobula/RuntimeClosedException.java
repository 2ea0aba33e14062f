package io.mobula;

/** Thrown when a closed {@link Mobula} is used, or when it closes while a call waits. */
public class RuntimeClosedException extends MobulaException {
    public RuntimeClosedException(String message) {
        super(message);
    }

    public RuntimeClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
