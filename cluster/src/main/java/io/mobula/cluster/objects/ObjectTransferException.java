package io.mobula.cluster.objects;

import io.mobula.store.ObjectId;

/**
 * A pull that did not bring its object here: no source could be reached or joined (a wrong cluster
 * secret, say: the cause is then the transport's {@code AuthenticationException}), none accepted
 * within the transfer timeout, the transfer stalled, or the manager closed. The message names the
 * object and the nodes asked.
 */
public class ObjectTransferException extends RuntimeException {
    private final ObjectId objectId;

    public ObjectTransferException(ObjectId objectId, String message) {
        super(message);
        this.objectId = objectId;
    }

    public ObjectTransferException(ObjectId objectId, String message, Throwable cause) {
        super(message, cause);
        this.objectId = objectId;
    }

    /** The object that was being pulled. */
    public ObjectId objectId() {
        return objectId;
    }
}
