package io.mobula.ml.data;

import java.io.Serializable;

/**
 * One labelled sparse row: feature {@code indices[i]} has value {@code values[i]}; the label is 0 or
 * 1. Indices are 1-based as LibSVM writes them (index 0 is free for the bias).
 */
public record SparseExample(int[] indices, double[] values, int label) implements Serializable {
    public SparseExample {
        if (indices.length != values.length) {
            throw new IllegalArgumentException(indices.length + " indices but " + values.length + " values");
        }
        if (label != 0 && label != 1) {
            throw new IllegalArgumentException("a binary label is 0 or 1, got " + label);
        }
    }

    /** The largest feature index, or 0 for an empty row. */
    public int maxIndex() {
        int max = 0;
        for (int index : indices) {
            max = Math.max(max, index);
        }
        return max;
    }
}
