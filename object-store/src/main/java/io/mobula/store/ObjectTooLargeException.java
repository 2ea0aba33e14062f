package io.mobula.store;

/** Thrown when an object is larger than the whole store; it can never fit, so the request fails at once. */
public class ObjectTooLargeException extends StoreException {
    public ObjectTooLargeException(String message) {
        super(message);
    }
}
