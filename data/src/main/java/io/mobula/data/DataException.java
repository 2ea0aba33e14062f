package io.mobula.data;

import io.mobula.MobulaException;

/**
 * Base of the data library's errors. Each message names the cause and the fix; the subclasses say
 * where it went wrong: the input files, a user function, the output folder, a function that
 * cannot travel to a task.
 */
public class DataException extends MobulaException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
