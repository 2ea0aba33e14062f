package io.mobula.gpu.examples;

import io.mobula.gpu.CpuKernels;

/**
 * The parameter-server actor: the weights {@code [d x k]} of a multiclass logistic regression.
 * Workers {@link #pull()} a copy, compute a gradient on their shard and {@link #push(float[])} it.
 * An actor runs one call at a time, so no worker sees half an update.
 */
public final class LogisticServer {
    private float[] weights;
    private final float learningRate;
    private long updates;

    /** Starts from zero weights, where every class is equally likely. */
    public LogisticServer(int features, int classes, float learningRate) {
        if (features <= 0 || classes <= 1 || !(learningRate > 0)) {
            throw new IllegalArgumentException("need features > 0, classes > 1 and learningRate > 0, got " + features
                + ", " + classes + ", " + learningRate);
        }
        this.weights = new float[features * classes];
        this.learningRate = learningRate;
    }

    /** A copy of the weights. */
    public float[] pull() {
        return weights.clone();
    }

    /** One step: {@code weights -= learningRate * gradient} (fused, as the GPU's saxpy). */
    public void push(float[] gradient) {
        if (gradient.length != weights.length) {
            throw new IllegalArgumentException("gradient has " + gradient.length + " entries, weights " + weights.length);
        }
        weights = CpuKernels.saxpy(-learningRate, gradient, weights);
        updates++;
    }

    /** How many gradients were applied. */
    public long updates() {
        return updates;
    }
}
