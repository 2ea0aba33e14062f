package io.mobula.ml.sgd;

import java.io.Serializable;
import java.util.Locale;

/**
 * One SGD training run's settings. {@code batchSize} is per worker and step; {@code actorCpus} is
 * the CPU share the parameter server and each worker actor hold for life (0: none, Ray's default
 * for actors); hyperparameter search sets it so a trial's resources are reserved.
 */
public record SgdConfig(int epochs, int workers, UpdateMode mode, double learningRate, int batchSize, double l2, long seed,
                        double actorCpus) implements Serializable {
    public SgdConfig {
        require(epochs > 0, "epochs must be at least 1, got " + epochs);
        require(workers > 0, "workers must be at least 1, got " + workers);
        require(mode != null, "mode must be sync or async");
        require(learningRate > 0 && Double.isFinite(learningRate), "the learning rate must be a positive number, got " + learningRate);
        require(batchSize > 0, "the batch size must be at least 1, got " + batchSize);
        require(l2 >= 0 && Double.isFinite(l2), "l2 must be 0 or more, got " + l2);
        require(actorCpus >= 0 && Double.isFinite(actorCpus), "actor CPUs must be 0 or more, got " + actorCpus);
    }

    /** The defaults of {@code mobula run sgd}: 10 epochs, 4 workers, sync, lr 0.1, batch 32, l2 1e-4, seed 42. */
    public static SgdConfig defaults() {
        return new SgdConfig(10, 4, UpdateMode.SYNC, 0.1, 32, 1e-4, 42, 0);
    }

    public SgdConfig withEpochs(int n) {
        return new SgdConfig(n, workers, mode, learningRate, batchSize, l2, seed, actorCpus);
    }

    public SgdConfig withWorkers(int n) {
        return new SgdConfig(epochs, n, mode, learningRate, batchSize, l2, seed, actorCpus);
    }

    public SgdConfig withMode(UpdateMode m) {
        return new SgdConfig(epochs, workers, m, learningRate, batchSize, l2, seed, actorCpus);
    }

    public SgdConfig withLearningRate(double lr) {
        return new SgdConfig(epochs, workers, mode, lr, batchSize, l2, seed, actorCpus);
    }

    public SgdConfig withBatchSize(int n) {
        return new SgdConfig(epochs, workers, mode, learningRate, n, l2, seed, actorCpus);
    }

    public SgdConfig withL2(double x) {
        return new SgdConfig(epochs, workers, mode, learningRate, batchSize, x, seed, actorCpus);
    }

    public SgdConfig withSeed(long s) {
        return new SgdConfig(epochs, workers, mode, learningRate, batchSize, l2, s, actorCpus);
    }

    public SgdConfig withActorCpus(double cpus) {
        return new SgdConfig(epochs, workers, mode, learningRate, batchSize, l2, seed, cpus);
    }

    /** {@code lr=0.1 batch=32 l2=1e-04}: the hyperparameters, as a results table shows them. */
    public String hyperparameters() {
        return String.format(Locale.ROOT, "lr=%.4g batch=%d l2=%.1e", learningRate, batchSize, l2);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
