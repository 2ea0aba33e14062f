package io.mobula.store;

/** Thrown when an object id is created a second time. */
public class ObjectExistsException extends StoreException {
    public ObjectExistsException(String message) {
        super(message);
    }
}
