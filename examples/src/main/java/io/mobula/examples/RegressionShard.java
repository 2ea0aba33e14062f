package io.mobula.examples;

import java.util.SplittableRandom;

/**
 * One worker's share of a synthetic, noise-free linear regression problem: features drawn from a
 * standard normal distribution and targets {@code y = X w*} for a known {@code w*}. Without noise
 * the least-squares minimum is exactly {@code w*}, so a test can check that training found it.
 * The data is generated from the shard number, so every worker rebuilds its own shard instead of
 * receiving it.
 */
final class RegressionShard {
    private final double[][] features;
    private final double[] targets;

    RegressionShard(double[] trueWeights, int shard, int rows) {
        SplittableRandom random = new SplittableRandom(0x5EED_0000L + shard);
        features = new double[rows][trueWeights.length];
        targets = new double[rows];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < trueWeights.length; c++) {
                features[r][c] = gaussian(random);
            }
            targets[r] = dot(features[r], trueWeights);
        }
    }

    /** The gradient of the mean squared error {@code (1/n) |X w - y|^2}: {@code (2/n) X^T (X w - y)}. */
    double[] gradient(double[] weights) {
        double[] gradient = new double[weights.length];
        for (int r = 0; r < targets.length; r++) {
            double residual = dot(features[r], weights) - targets[r];
            for (int c = 0; c < weights.length; c++) {
                gradient[c] += 2 * residual * features[r][c] / targets.length;
            }
        }
        return gradient;
    }

    /** The mean squared error of {@code weights} on this shard. */
    double loss(double[] weights) {
        double sum = 0;
        for (int r = 0; r < targets.length; r++) {
            double residual = dot(features[r], weights) - targets[r];
            sum += residual * residual;
        }
        return sum / targets.length;
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    /** A standard normal sample by the Box-Muller transform (SplittableRandom has no nextGaussian of its own). */
    private static double gaussian(SplittableRandom random) {
        double u = 1.0 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
