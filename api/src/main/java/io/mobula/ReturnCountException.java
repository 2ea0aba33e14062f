package io.mobula;

/**
 * A task submitted with {@link TaskCall#numReturns(int) numReturns(n)} did not return n values: it
 * returned a list or array of another length, or something that is not a list or array at all.
 * Every one of its refs fails with this; the message names the task, the count expected and the
 * count (or type) it returned.
 */
public class ReturnCountException extends MobulaException {
    private final int expected;
    private final int actual;

    public ReturnCountException(String message, int expected, int actual) {
        super(message);
        this.expected = expected;
        this.actual = actual;
    }

    /** The {@code numReturns} the task was submitted with. */
    public int expected() {
        return expected;
    }

    /** How many values it returned; -1 if it returned no list or array (the message names its type). */
    public int actual() {
        return actual;
    }
}
