package io.mobula.store;

/** Thrown when the store has no room for an object and none was freed within its create timeout. */
public class StoreFullException extends StoreException {
    public StoreFullException(String message) {
        super(message);
    }

    public StoreFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
