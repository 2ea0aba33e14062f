package io.mobula;

/** Thrown by {@code get} for the result of a task that was cancelled before it finished. */
public class TaskCancelledException extends MobulaException {
    public TaskCancelledException(String message) {
        super(message);
    }

    public TaskCancelledException(String message, Throwable cause) {
        super(message, cause);
    }
}
