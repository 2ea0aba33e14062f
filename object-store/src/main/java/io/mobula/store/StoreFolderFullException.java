package io.mobula.store;

/**
 * Thrown when the folder the store's arena lives in has no room left for an object's pages
 * (something else filled it): the object is not created, its slot is freed, and the store goes on.
 */
public class StoreFolderFullException extends StoreFullException {
    public StoreFolderFullException(String message) {
        super(message);
    }

    public StoreFolderFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
