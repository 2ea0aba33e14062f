package io.mobula.store;

/**
 * Thrown when the store needed room, chose objects to move to its spill directory, and could not
 * write them (the directory's file system is full or failing). Nothing of the batch was recorded:
 * every chosen object is still in memory and readable, and the partial file is removed. A
 * {@link StoreFullException}, since the object that asked for room was not created.
 */
public class SpillFailedException extends StoreFullException {
    public SpillFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
