package io.mobula;

/**
 * The process that owns an object died, so its value can no longer be had: a ref to it was passed
 * out of its owner (nested inside a value: a result, an argument) and its owner — the node whose
 * work made or put it, or the driver that did — is gone. The message names the object and its owner.
 * <p>
 * The owner keeps what says where an object lives and how to make it again; without it a borrower
 * cannot find the value even where a copy still exists (as in Ray). Keep what must outlive its
 * maker in a result returned to a process that lives longer (the driver), not in a ref it lent out.
 */
public class OwnerDiedException extends ObjectLostException {
    public OwnerDiedException(String message) {
        super(message);
    }

    public OwnerDiedException(String message, Throwable cause) {
        super(message, cause);
    }
}
