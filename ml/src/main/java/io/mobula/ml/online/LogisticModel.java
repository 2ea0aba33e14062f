package io.mobula.ml.online;

import java.io.Serializable;

import io.mobula.ml.data.SparseExample;

/**
 * An immutable snapshot of a binary logistic model over sparse features: {@code weights[0]} is the
 * bias, {@code weights[j]} the weight of feature j (LibSVM's 1-based indices; features beyond
 * the model's width score 0). {@code version} counts the snapshots a learner has published and
 * {@code examplesSeen} how many labelled events it includes.
 */
public record LogisticModel(double[] weights, long version, long examplesSeen) implements Serializable {
    /** An untrained model of width {@code dimensions} (bias included): every prediction is 0.5. */
    public static LogisticModel empty(int dimensions) {
        return new LogisticModel(new double[dimensions], 0, 0);
    }

    /** The probability that the label is 1. */
    public double probability(int[] indices, double[] values) {
        return sigmoid(score(weights, indices, values));
    }

    /** The predicted label, 0 or 1. */
    public int predict(SparseExample example) {
        return probability(example.indices(), example.values()) >= 0.5 ? 1 : 0;
    }

    static double score(double[] weights, int[] indices, double[] values) {
        double z = weights[0];
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < weights.length) {
                z += weights[indices[i]] * values[i];
            }
        }
        return z;
    }

    static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }
}
