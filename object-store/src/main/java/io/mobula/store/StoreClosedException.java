package io.mobula.store;

/** Thrown when the store is used after it was closed. */
public class StoreClosedException extends StoreException {
    public StoreClosedException(String message) {
        super(message);
    }
}
