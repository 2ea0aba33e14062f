package io.mobula.examples;

/** An actor that counts: the smallest piece of state that shows calls on a handle run in order. */
public final class Counter {
    private int value;

    /** Adds one and returns the new value. */
    public int inc() {
        return ++value;
    }
}
