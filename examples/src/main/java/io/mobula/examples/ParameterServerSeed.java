package io.mobula.examples;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.mobula.ActorHandle;
import io.mobula.Mobula;
import io.mobula.ObjectRef;

/**
 * Seed 3: data-parallel training with a parameter server. One {@link RegressionServer} actor holds
 * the weights of a linear regression; {@value #WORKERS} worker tasks each hold a shard of synthetic
 * data with known true weights and loop pull / gradient / push. Updates are asynchronous (a
 * worker's gradient may be a few updates stale), yet with a small learning rate the weights still
 * converge to the true ones.
 */
public final class ParameterServerSeed implements SeedProgram<ParameterServerSeed.Result> {
    static final int WORKERS = 4;
    /** Enough that any interleaving of the workers converges well inside the tolerance. */
    static final int STEPS_PER_WORKER = 150;
    static final int ROWS_PER_SHARD = 256;
    static final double LEARNING_RATE = 0.05;
    /** How close every weight must come to the true one. */
    public static final double TOLERANCE = 1e-3;
    /** The weights the synthetic data was made with, which training must recover. */
    static final double[] TRUE_WEIGHTS = {1.5, -2.0, 0.5, 3.0, -1.0};

    public record Result(double[] trueWeights, double[] learned, long updates, double[] workerLosses) implements SeedResult {
        /** The largest {@code |learned[i] - trueWeights[i]|}. */
        public double maxError() {
            double max = 0;
            for (int i = 0; i < trueWeights.length; i++) {
                max = Math.max(max, Math.abs(learned[i] - trueWeights[i]));
            }
            return max;
        }

        @Override
        public boolean verified() {
            return maxError() < TOLERANCE;
        }

        @Override
        public List<String> describe() {
            return List.of(
                String.format(Locale.ROOT, "%d workers x %d pull/push steps = %d updates", WORKERS, STEPS_PER_WORKER, updates),
                "true weights    " + format(trueWeights),
                "learned weights " + format(learned),
                String.format(Locale.ROOT, "max |error| = %.2e (tolerance %.0e)", maxError(), TOLERANCE));
        }

        private static String format(double[] values) {
            return Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, "%8.5f", v)).toList().toString();
        }
    }

    @Override
    public String name() {
        return "parameter-server";
    }

    @Override
    public String summary() {
        return "an actor holding weights; worker tasks pull and push gradients";
    }

    @Override
    public Result run(Mobula mobula) {
        ActorHandle<RegressionServer> server = mobula.actor(RegressionServer::new, TRUE_WEIGHTS.length, LEARNING_RATE).remote();
        List<ObjectRef<Double>> workers = new ArrayList<>();
        for (int shard = 0; shard < WORKERS; shard++) {
            workers.add(mobula.task(RegressionWorker::train, server, TRUE_WEIGHTS, shard, STEPS_PER_WORKER).remote());
        }
        double[] losses = mobula.get(workers).stream().mapToDouble(Double::doubleValue).toArray();
        double[] learned = server.task(RegressionServer::pull).remote().get();
        long updates = server.task(RegressionServer::updates).remote().get();
        mobula.kill(server);
        return new Result(TRUE_WEIGHTS.clone(), learned, updates, losses);
    }
}
