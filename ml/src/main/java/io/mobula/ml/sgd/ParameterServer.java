package io.mobula.ml.sgd;

/**
 * The parameter-server actor: it alone holds the weights. Workers' gradients arrive through
 * {@link #push}; {@link #weights()} hands out a copy. An actor runs one call at a time, so an
 * update is never seen half applied.
 *
 * <p>Sync mode: a step's gradients are kept per worker until all {@code workers} have arrived,
 * then their mean is applied (summed in worker order, so the result does not depend on arrival
 * order). Because calls through one handle run in order, a {@code weights()} submitted after a
 * step's pushes waits for that step's update: that is the barrier. Async mode: each gradient is
 * applied on arrival.
 */
public final class ParameterServer {
    private final double[] weights;
    private final double learningRate;
    private final double[][] pending;
    private final boolean sync;
    private int arrived;
    private long version;
    private double lossSum;
    private long lossRows;

    public ParameterServer(double[] initial, double learningRate, int workers, UpdateMode mode) {
        this.weights = initial.clone();
        this.learningRate = learningRate;
        this.pending = new double[workers][];
        this.sync = mode == UpdateMode.SYNC;
    }

    /** A copy of the current weights. */
    public double[] weights() {
        return weights.clone();
    }

    /**
     * Takes worker {@code worker}'s gradient.
     *
     * @return the number of updates applied so far.
     * @throws IllegalArgumentException for a gradient of the wrong length or an unknown worker.
     * @throws IllegalStateException in sync mode, for a second gradient from one worker in a step.
     */
    public long push(int worker, Gradient gradient) {
        if (worker < 0 || worker >= pending.length) {
            throw new IllegalArgumentException("no worker " + worker + "; this server has workers 0.." + (pending.length - 1));
        }
        if (gradient.values().length != weights.length) {
            throw new IllegalArgumentException("gradient of length " + gradient.values().length + " for " + weights.length + " weights");
        }
        lossSum += gradient.lossSum();
        lossRows += gradient.rows();
        if (!sync) {
            step(gradient.values(), learningRate);
            return ++version;
        }
        if (pending[worker] != null) {
            throw new IllegalStateException("worker " + worker + " pushed twice in step " + version);
        }
        pending[worker] = gradient.values();
        if (++arrived == pending.length) {
            double[] mean = new double[weights.length];
            for (double[] g : pending) {
                for (int i = 0; i < mean.length; i++) {
                    mean[i] += g[i];
                }
            }
            step(mean, learningRate / pending.length);
            java.util.Arrays.fill(pending, null);
            arrived = 0;
            version++;
        }
        return version;
    }

    /**
     * The mean loss per row of the gradients pushed since the last call, and restarts the count.
     *
     * @return {@code NaN} when nothing was pushed since.
     */
    public double takeMeanLoss() {
        double mean = lossRows == 0 ? Double.NaN : lossSum / lossRows;
        lossSum = 0;
        lossRows = 0;
        return mean;
    }

    /** Updates applied so far. */
    public long version() {
        return version;
    }

    private void step(double[] gradient, double rate) {
        for (int i = 0; i < weights.length; i++) {
            weights[i] -= rate * gradient[i];
        }
    }
}
