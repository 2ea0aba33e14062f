package io.mobula.ml.tune;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.mobula.ml.sgd.SgdConfig;

/**
 * Where trials' hyperparameters come from: the learning rate and L2 drawn log-uniformly from
 * their ranges, the batch size uniformly from a list. The same seed draws the same trials.
 */
public record SearchSpace(double minLearningRate, double maxLearningRate, List<Integer> batchSizes, double minL2, double maxL2) {
    public SearchSpace {
        if (!(minLearningRate > 0 && maxLearningRate >= minLearningRate)) {
            throw new IllegalArgumentException("learning-rate range must be 0 < min <= max, got " + minLearningRate + ".." + maxLearningRate);
        }
        if (!(minL2 > 0 && maxL2 >= minL2)) {
            throw new IllegalArgumentException("L2 range must be 0 < min <= max, got " + minL2 + ".." + maxL2);
        }
        if (batchSizes.isEmpty() || batchSizes.stream().anyMatch(b -> b <= 0)) {
            throw new IllegalArgumentException("batch sizes must be a non-empty list of positive numbers, got " + batchSizes);
        }
        batchSizes = List.copyOf(batchSizes);
    }

    /** lr in [0.001, 1], batch in {8, 16, 32, 64, 128}, L2 in [1e-6, 0.1]: wide enough that some trials are bad. */
    public static SearchSpace defaults() {
        return new SearchSpace(1e-3, 1.0, List.of(8, 16, 32, 64, 128), 1e-6, 0.1);
    }

    /** {@code count} configs, each {@code base} with its hyperparameters drawn from this space. */
    public List<SgdConfig> sample(int count, long seed, SgdConfig base) {
        Random random = new Random(seed);
        List<SgdConfig> configs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            double lr = logUniform(random, minLearningRate, maxLearningRate);
            int batch = batchSizes.get(random.nextInt(batchSizes.size()));
            double l2 = logUniform(random, minL2, maxL2);
            configs.add(base.withLearningRate(lr).withBatchSize(batch).withL2(l2));
        }
        return configs;
    }

    private static double logUniform(Random random, double min, double max) {
        return Math.exp(Math.log(min) + random.nextDouble() * (Math.log(max) - Math.log(min)));
    }
}
