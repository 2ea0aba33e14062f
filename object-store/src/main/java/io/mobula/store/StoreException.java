package io.mobula.store;

/** Base of the store's errors; each message names the cause and what to change. */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
