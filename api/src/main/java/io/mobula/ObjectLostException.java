package io.mobula;

/**
 * Every copy of an object is gone (the node holding it died) and it cannot be rebuilt: it was made
 * by {@code put}, or by a task with no retries left ({@code maxRetries(0)}, or spent). The message
 * names the object and the node it was lost with.
 * <p>
 * Objects made by tasks are rebuilt by their owner instead, by running the tasks that made them
 * again (their arguments first), as Ray's lineage reconstruction does; keep the data of a
 * {@code put} that must survive a node in a task's result, or put it again.
 */
public class ObjectLostException extends MobulaException {
    public ObjectLostException(String message) {
        super(message);
    }

    public ObjectLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
