package io.mobula.ml.sgd;

import java.util.Random;

import io.mobula.ml.data.LabeledRows;
import io.mobula.ml.data.Split;
import io.mobula.ml.model.OneVsRestLogistic;

/**
 * A worker actor: holds one shard of the training rows and computes minibatch gradients at the
 * weights it is given. Which rows make step {@code s} of epoch {@code e} depends only on the seed,
 * the worker, {@code e} and {@code s} (a fresh shuffle of the shard per epoch), so a run resumed
 * from saved weights at epoch {@code e} sees the same batches as one that never stopped.
 */
public final class GradientWorker {
    private final LabeledRows shard;
    private final int worker;
    private final int batchSize;
    private final double l2;
    private final long seed;
    private int shuffledEpoch = -1;
    private int[] order;

    public GradientWorker(LabeledRows shard, int worker, int batchSize, double l2, long seed) {
        if (shard.rows() == 0) {
            throw new IllegalArgumentException("worker " + worker + " was given no rows; use fewer workers than training rows");
        }
        this.shard = shard;
        this.worker = worker;
        this.batchSize = batchSize;
        this.l2 = l2;
        this.seed = seed;
    }

    /** The gradient at {@code weights} over this shard's minibatch for step {@code step} of {@code epoch}. */
    public Gradient gradient(double[] weights, int epoch, int step) {
        if (epoch != shuffledEpoch) {
            order = Split.permutation(shard.rows(), new Random(seed * 1_000_003L + worker * 7_919L + epoch));
            shuffledEpoch = epoch;
        }
        int size = Math.min(batchSize, shard.rows());
        int[] rows = new int[size];
        for (int i = 0; i < size; i++) {
            rows[i] = order[(step * batchSize + i) % order.length];
        }
        double[] gradient = new double[weights.length];
        double loss = OneVsRestLogistic.gradient(weights, shard, rows, l2, gradient);
        return new Gradient(gradient, loss, size);
    }

    /** Steps this shard takes per epoch: enough batches to see each of its rows once. */
    public int stepsPerEpoch() {
        return (shard.rows() + batchSize - 1) / batchSize;
    }
}
