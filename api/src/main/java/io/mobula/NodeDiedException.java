package io.mobula;

/**
 * The node that held work or an object died: its process ended, or the head heard no heartbeat
 * from it within the cluster's dead-after time and declared it dead.
 * <p>
 * A system failure, not the task's: a task that meets it runs again elsewhere while its
 * {@code maxRetries} allow (default 3), without {@code retryExceptions}; {@code get} throws this
 * only once they are spent. An object whose only copy was on the node is rebuilt by its owner from
 * the task that made it, or fails with {@link ObjectLostException}.
 */
public class NodeDiedException extends MobulaException {
    public NodeDiedException(String message) {
        super(message);
    }

    public NodeDiedException(String message, Throwable cause) {
        super(message, cause);
    }
}
