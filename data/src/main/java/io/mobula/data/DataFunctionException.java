package io.mobula.data;

/**
 * A function given to a dataset threw while a task applied it to a row. Thrown inside the task;
 * the action's caller sees it as the {@link io.mobula.TaskException} of that task, whose message
 * names the step, the block and the function's own error.
 */
public final class DataFunctionException extends DataException {
    public DataFunctionException(String message, Throwable cause) {
        super(message, cause);
    }
}
