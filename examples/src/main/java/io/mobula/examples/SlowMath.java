package io.mobula.examples;

/**
 * Addition that takes half a second, standing in for real work, so the shape of a computation's
 * dependency graph (its depth, not its size) shows in its wall time.
 */
public final class SlowMath {
    /** How long each {@link #add} takes. */
    public static final long ADD_MILLIS = 500;

    private SlowMath() {
    }

    /** A task function: {@code a + b}, after sleeping {@value #ADD_MILLIS} ms. */
    public static int add(int a, int b) throws InterruptedException {
        Thread.sleep(ADD_MILLIS);
        return a + b;
    }
}
