package io.mobula;

/** Thrown by a {@code get} whose object was not ready within the timeout it was given. */
public class GetTimeoutException extends MobulaException {
    public GetTimeoutException(String message) {
        super(message);
    }

    public GetTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
