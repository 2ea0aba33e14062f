package io.mobula.ml.tune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import io.mobula.Mobula;
import io.mobula.PlacementGroup;
import io.mobula.PlacementStrategy;
import io.mobula.ml.data.LabeledRows;
import io.mobula.ml.data.Split;
import io.mobula.ml.model.OneVsRestLogistic;
import io.mobula.ml.sgd.SgdConfig;
import io.mobula.ml.sgd.SgdTrainer;
import io.mobula.ml.sgd.SgdTraining;
import io.mobula.ml.sgd.UpdateMode;

/**
 * Hyperparameter search over {@link SgdTrainer} runs. K trials, their hyperparameters drawn from a
 * {@link SearchSpace} with the seed, train in parallel one epoch at a time: for each epoch every
 * running trial reserves its CPU share as a placement group (one bundle, so a trial's actors are
 * placed all together or not at all: trials beyond the node's CPUs wait whole, as Ray Tune's
 * do, instead of each holding part of what it needs), starts its parameter server and workers in
 * it, resumes from its saved weights, trains the epoch, scores the validation rows and gives the
 * reservation back. After each
 * epoch the {@link MedianStoppingRule} stops the trials that are behind.
 *
 * <p>Reproducible: the trials train in sync mode (deterministic for a seed), and the stopping rule
 * sees all trials of an epoch at once, so one seed gives the same scores, stops and best trial
 * however the trials interleave.
 */
public final class Tuner {
    /** The fraction of the training rows held out to score trials. */
    public static final double VALIDATION_FRACTION = 0.2;
    private static final Duration RESERVATION_TIMEOUT = Duration.ofMinutes(10);

    /** What one epoch of the search did, for a progress line. */
    public record SearchProgress(int epoch, int epochs, int running, List<Integer> stoppedNow, int leader, double leaderScore) {
    }

    /**
     * @param trialCpus the CPU share one trial holds while it trains (split over its server and
     *                  workers); 0 holds none.
     */
    public record Settings(int trials, int epochs, int workersPerTrial, double trialCpus, long seed, SearchSpace space,
                           MedianStoppingRule rule) {
        public Settings {
            if (trials < 1 || epochs < 1 || workersPerTrial < 1 || !(trialCpus >= 0)) {
                throw new IllegalArgumentException("need trials, epochs and workers per trial >= 1 and trial CPUs >= 0, got " + trials
                    + ", " + epochs + ", " + workersPerTrial + ", " + trialCpus);
            }
        }
    }

    private final Mobula mobula;
    private final Settings settings;

    public Tuner(Mobula mobula, Settings settings) {
        this.mobula = mobula;
        this.settings = settings;
    }

    public TuneResult run(LabeledRows data, Consumer<SearchProgress> onEpoch) throws InterruptedException {
        long start = System.nanoTime();
        Split outer = SgdTraining.prepare(data, settings.seed());
        Split inner = Split.of(outer.train(), VALIDATION_FRACTION, settings.seed() + 1);
        // rounded down to the runtime's 1/10,000 so the actors' shares add up to no more than the bundle
        double actorCpus = Math.floor(settings.trialCpus() / (settings.workersPerTrial() + 1) * 10_000) / 10_000;
        SgdConfig base = new SgdConfig(settings.epochs(), settings.workersPerTrial(), UpdateMode.SYNC, 0.1, 32, 0, settings.seed(), actorCpus);
        List<SgdConfig> configs = settings.space().sample(settings.trials(), settings.seed(), base);

        int k = configs.size();
        double[][] weights = new double[k][];
        List<List<Double>> scores = new ArrayList<>();
        int[] stoppedAfter = new int[k];
        Arrays.fill(stoppedAfter, -1);
        for (int i = 0; i < k; i++) {
            scores.add(new ArrayList<>());
        }
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int epoch = 0; epoch < settings.epochs(); epoch++) {
                List<Integer> running = new ArrayList<>();
                List<Future<double[]>> done = new ArrayList<>();
                for (int i = 0; i < k; i++) {
                    if (stoppedAfter[i] < 0) {
                        int trial = i;
                        int e = epoch;
                        running.add(i);
                        done.add(threads.submit(() -> trainEpoch(configs.get(trial), inner, weights[trial], e)));
                    }
                }
                for (int r = 0; r < running.size(); r++) {
                    int trial = running.get(r);
                    try {
                        weights[trial] = done.get(r).get();
                    } catch (ExecutionException e) {
                        throw new IllegalStateException("trial " + trial + " (" + configs.get(trial).hyperparameters() + ") failed in epoch "
                            + (epoch + 1) + ": " + e.getCause(), e.getCause());
                    }
                    scores.get(trial).add(OneVsRestLogistic.accuracy(weights[trial], inner.test()));
                }
                List<double[]> histories = running.stream().map(t -> history(scores.get(t))).toList();
                List<Integer> stopNow = new ArrayList<>();
                if (epoch + 1 < settings.epochs()) {
                    for (int position : settings.rule().toStop(epoch, histories)) {
                        stopNow.add(running.get(position));
                        stoppedAfter[running.get(position)] = epoch;
                    }
                }
                int leader = running.stream().max(Comparator.comparingDouble((Integer t) -> scores.get(t).getLast())
                    .thenComparing(t -> -t)).orElseThrow();
                onEpoch.accept(new SearchProgress(epoch, settings.epochs(), running.size(), stopNow, leader,
                    scores.get(leader).getLast()));
            }
        }
        List<TrialResult> trials = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            trials.add(new TrialResult(i, configs.get(i).withEpochs(scores.get(i).size()), history(scores.get(i)), stoppedAfter[i]));
        }
        TrialResult best = trials.stream().filter(t -> !t.stopped())
            .max(Comparator.comparingDouble(TrialResult::score).thenComparing(t -> -t.trial())).orElseThrow();
        double test = OneVsRestLogistic.accuracy(weights[best.trial()], outer.test());
        return new TuneResult(trials, best, test, (System.nanoTime() - start) / 1e9);
    }

    private double[] trainEpoch(SgdConfig config, Split data, double[] from, int epoch) {
        PlacementGroup group = settings.trialCpus() > 0
            ? mobula.placementGroup(PlacementStrategy.PACK, List.of(Map.of("CPU", settings.trialCpus()))) : null;
        try {
            if (group != null && !group.waitReady(RESERVATION_TIMEOUT)) {
                throw new IllegalStateException("a trial's " + settings.trialCpus() + " CPU were not free within " + RESERVATION_TIMEOUT
                    + "; lower --trial-cpus or free the node");
            }
            try (SgdTrainer trainer = new SgdTrainer(mobula, data.train(), null, config, from, group)) {
                trainer.train(epoch, 1, r -> { });
                return trainer.weights();
            }
        } finally {
            if (group != null) {
                mobula.removePlacementGroup(group);
            }
        }
    }

    private static double[] history(List<Double> scores) {
        return scores.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
