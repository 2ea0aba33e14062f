package io.mobula;

/** Base of every error Mobula raises; each message names the cause and the fix. */
public class MobulaException extends RuntimeException {
    public MobulaException(String message) {
        super(message);
    }

    public MobulaException(String message, Throwable cause) {
        super(message, cause);
    }
}
