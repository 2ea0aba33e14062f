package io.mobula.examples;

/** Element-wise arithmetic on arrays, as task functions. */
public final class ArrayMath {
    private ArrayMath() {
    }

    /** {@code a + b}, element by element; both must have the same length. */
    public static double[] add(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("cannot add arrays of lengths " + a.length + " and " + b.length);
        }
        double[] sum = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            sum[i] = a[i] + b[i];
        }
        return sum;
    }
}
