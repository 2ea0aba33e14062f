package io.mobula.data;

/**
 * A function given to a dataset cannot travel to the tasks that apply it: it, or a value it
 * captures, is not serializable. Thrown by the action, before any task runs.
 */
public final class UnserializableFunctionException extends DataException {
    public UnserializableFunctionException(String message, Throwable cause) {
        super(message, cause);
    }
}
