package io.mobula.ml.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.mobula.Mobula;
import io.mobula.command.ExampleProgram;
import io.mobula.command.UsageException;
import io.mobula.ml.data.LabeledRows;
import io.mobula.ml.sgd.SgdConfig;
import io.mobula.ml.tune.MedianStoppingRule;
import io.mobula.ml.tune.SearchSpace;
import io.mobula.ml.tune.TrialResult;
import io.mobula.ml.tune.TuneResult;
import io.mobula.ml.tune.Tuner;

/** {@code mobula run tune}: K SGD trials in parallel, the median stopping rule, a results table. */
public final class TuneProgram implements ExampleProgram {
    private static final Set<String> VALUED = Set.of("--trials", "--epochs", "--workers", "--trial-cpus", "--grace", "--seed", "--data",
        "--label", "--address");
    private static final Set<String> SWITCHES = Set.of("--skip-header");

    @Override
    public String name() {
        return "tune";
    }

    @Override
    public String summary() {
        return "hyperparameter search: K sgd trials in parallel (lr, batch, l2 from a seeded space), median stopping rule";
    }

    @Override
    public String usage() {
        return "[--trials K] [--epochs N] [--workers N] [--trial-cpus X] [--grace N] [--seed S] "
            + "[--data FILE.csv[.gz] --label COLUMN [--skip-header]] [--address HOST:PORT]";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws UsageException, InterruptedException {
        ProgramFlags flags = ProgramFlags.parse(args, VALUED, SWITCHES);
        int trials = flags.positiveInt("--trials", 8);
        int epochs = flags.positiveInt("--epochs", 8);
        int workers = flags.positiveInt("--workers", 2);
        double trialCpus = flags.number("--trial-cpus", 0.5, 0, false);
        int grace = flags.positiveInt("--grace", 2);
        long seed = flags.whole("--seed", 42);
        String address = flags.text("--address", null);
        TrainingData training = TrainingData.from(flags);
        LabeledRows data = training.data();
        String source = training.source();
        Tuner.Settings settings = new Tuner.Settings(trials, epochs, workers, trialCpus, seed, SearchSpace.defaults(),
            new MedianStoppingRule(grace, 3));
        out.printf(Locale.ROOT, "tune: %s: %d rows, %d features, %d classes%n", source, data.rows(), data.featureCount(), data.classCount());
        out.printf(Locale.ROOT, "tune: %d trials x up to %d epochs, %d workers each, %.2f CPU per trial, median stopping after %d epochs, "
            + "seed %d, on the %s%n", trials, epochs, workers, trialCpus, grace, seed, Clusters.where(address));
        TuneResult result;
        try (Mobula mobula = Clusters.connect(address)) {
            result = new Tuner(mobula, settings).run(data, p -> out.printf(Locale.ROOT,
                "epoch %2d/%d  %d trials ran  stopped %s  leader: trial %d (validation %.3f)%n", p.epoch() + 1, p.epochs(), p.running(),
                p.stoppedNow().isEmpty() ? "none" : p.stoppedNow().toString(), p.leader(), p.leaderScore()));
        }
        out.println();
        out.printf("%-5s  %-10s  %-5s  %-8s  %-6s  %-10s  %s%n", "trial", "lr", "batch", "l2", "epochs", "validation", "status");
        for (TrialResult t : result.trials()) {
            out.printf(Locale.ROOT, "%-5d  %-10.4g  %-5d  %-8.1e  %-6d  %-10.3f  %s%n", t.trial(), t.config().learningRate(),
                t.config().batchSize(), t.config().l2(), t.epochsRun(), t.score(),
                t.stopped() ? "stopped after epoch " + (t.stoppedAfterEpoch() + 1) : "completed" + (t == result.best() ? "  <- best" : ""));
        }
        SgdConfig best = result.best().config();
        out.printf(Locale.ROOT, "%d of %d trials stopped early; %.1f s%n", result.stoppedCount(), trials, result.seconds());
        out.printf(Locale.ROOT, "best: trial %d, %s, validation accuracy %.3f, test accuracy %.3f%n", result.best().trial(),
            best.hyperparameters(), result.best().score(), result.bestTestAccuracy());
        out.printf(Locale.ROOT, "reproduce the search: mobula run tune --trials %d --epochs %d --workers %d --grace %d --seed %d%n", trials,
            epochs, workers, grace, seed);
        out.printf(Locale.ROOT, "train the best config alone: mobula run sgd --lr %s --batch %d --l2 %s --epochs %d --workers %d --seed %d%n",
            best.learningRate(), best.batchSize(), best.l2(), epochs, workers, seed);
        return 0;
    }
}
