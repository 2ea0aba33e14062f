package io.mobula.ml.data;

import java.util.Random;

/** A dataset cut in two by a seeded shuffle: training rows and held-out rows. */
public record Split(LabeledRows train, LabeledRows test) {
    /**
     * Shuffles the rows with {@code seed} and holds out {@code testFraction} of them (at least one
     * row on each side).
     */
    public static Split of(LabeledRows data, double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("the held-out fraction must be between 0 and 1, got " + testFraction);
        }
        if (data.rows() < 2) {
            throw new IllegalArgumentException("cannot split " + data.rows() + " row(s) into training and held-out rows");
        }
        int[] order = permutation(data.rows(), new Random(seed));
        int held = Math.clamp(Math.round(data.rows() * testFraction), 1, data.rows() - 1);
        int[] train = new int[data.rows() - held];
        int[] test = new int[held];
        System.arraycopy(order, 0, test, 0, held);
        System.arraycopy(order, held, train, 0, train.length);
        return new Split(data.select(train), data.select(test));
    }

    /** A uniformly random permutation of {@code 0..n-1} (Fisher-Yates). */
    public static int[] permutation(int n, Random random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
