package io.mobula.ml.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * Dense labelled rows: {@code features} row-major ({@code rows x featureCount}), each label a class
 * index {@code 0..classNames.size()-1}. Immutable by convention: nothing here writes the arrays
 * after construction, and the methods that derive a dataset copy what they keep.
 */
public record LabeledRows(double[] features, int[] labels, int featureCount, List<String> classNames) implements Serializable {
    public LabeledRows {
        if (featureCount <= 0) {
            throw new IllegalArgumentException("a dataset needs at least one feature column, got " + featureCount);
        }
        if (features.length != labels.length * featureCount) {
            throw new IllegalArgumentException(features.length + " feature values do not make " + labels.length + " rows of "
                + featureCount);
        }
        classNames = List.copyOf(classNames);
        for (int label : labels) {
            if (label < 0 || label >= classNames.size()) {
                throw new IllegalArgumentException("label " + label + " is outside 0.." + (classNames.size() - 1));
            }
        }
    }

    public int rows() {
        return labels.length;
    }

    public int classCount() {
        return classNames.size();
    }

    /** Row {@code r}'s feature values, as a copy. */
    public double[] row(int r) {
        return Arrays.copyOfRange(features, r * featureCount, (r + 1) * featureCount);
    }

    /** The rows at {@code indices}, in that order. */
    public LabeledRows select(int[] indices) {
        double[] x = new double[indices.length * featureCount];
        int[] y = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(features, indices[i] * featureCount, x, i * featureCount, featureCount);
            y[i] = labels[indices[i]];
        }
        return new LabeledRows(x, y, featureCount, classNames);
    }

    /** Rows {@code from} (inclusive) to {@code to} (exclusive). */
    public LabeledRows slice(int from, int to) {
        int[] indices = new int[to - from];
        Arrays.setAll(indices, i -> from + i);
        return select(indices);
    }
}
