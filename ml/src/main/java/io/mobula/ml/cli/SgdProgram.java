package io.mobula.ml.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.mobula.Mobula;
import io.mobula.command.ExampleProgram;
import io.mobula.command.UsageException;
import io.mobula.ml.data.LabeledRows;
import io.mobula.ml.sgd.LossCurveSvg;
import io.mobula.ml.sgd.SgdConfig;
import io.mobula.ml.sgd.SgdResult;
import io.mobula.ml.sgd.SgdTraining;
import io.mobula.ml.sgd.UpdateMode;

/** {@code mobula run sgd}: one-vs-rest logistic regression by minibatch SGD with a parameter server. */
public final class SgdProgram implements ExampleProgram {
    private static final Set<String> VALUED = Set.of("--data", "--label", "--epochs", "--workers", "--mode", "--lr", "--batch", "--l2",
        "--seed", "--plot", "--address");
    private static final Set<String> SWITCHES = Set.of("--skip-header");

    @Override
    public String name() {
        return "sgd";
    }

    @Override
    public String summary() {
        return "logistic regression (one-vs-rest) by minibatch SGD: a parameter-server actor, N worker actors, sync or async";
    }

    @Override
    public String usage() {
        return "[--data FILE.csv[.gz] --label COLUMN [--skip-header]] [--epochs N] [--workers N] [--mode sync|async] [--lr X] "
            + "[--batch N] [--l2 X] [--seed S] [--plot loss.svg] [--address HOST:PORT]   (default data: UCI digits, label 64)";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws UsageException, IOException {
        ProgramFlags flags = ProgramFlags.parse(args, VALUED, SWITCHES);
        SgdConfig config = config(flags);
        String address = flags.text("--address", null);
        TrainingData training = TrainingData.from(flags);
        LabeledRows data = training.data();
        String source = training.source();
        out.printf(Locale.ROOT, "sgd: %s: %d rows, %d features, %d classes%n", source, data.rows(), data.featureCount(), data.classCount());
        out.printf(Locale.ROOT, "sgd: %s mode, %d workers, %d epochs, %s, seed %d, on the %s%n", config.mode(), config.workers(),
            config.epochs(), config.hyperparameters(), config.seed(), Clusters.where(address));
        SgdResult result;
        try (Mobula mobula = Clusters.connect(address)) {
            result = SgdTraining.run(mobula, data, config, e -> out.printf(Locale.ROOT,
                "epoch %3d/%d  loss %.4f  held-out accuracy %.3f  updates %d  %.1fs%n", e.epoch() + 1, config.epochs(), e.trainLoss(),
                e.heldOutAccuracy(), e.updates(), e.elapsedSeconds()));
        }
        out.printf(Locale.ROOT, "trained on %d rows, tested on %d held-out rows, in %.2f s (%d updates)%n", result.trainRows(),
            result.testRows(), result.trainSeconds(), result.epochs().getLast().updates());
        if (flags.has("--plot")) {
            Path plot = Path.of(flags.text("--plot", null));
            Files.writeString(plot, LossCurveSvg.render("sgd " + config.mode() + ", " + config.workers() + " workers, "
                + config.hyperparameters(), result.epochs()), StandardCharsets.UTF_8);
            out.println("loss curve: " + plot);
        }
        out.printf(Locale.ROOT, "test accuracy: %.3f%n", result.testAccuracy());
        return 0;
    }

    private static SgdConfig config(ProgramFlags flags) throws UsageException {
        SgdConfig defaults = SgdConfig.defaults();
        UpdateMode mode;
        try {
            mode = UpdateMode.parse(flags.text("--mode", "sync"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        return new SgdConfig(flags.positiveInt("--epochs", defaults.epochs()), flags.positiveInt("--workers", defaults.workers()), mode,
            flags.number("--lr", defaults.learningRate(), 0, true), flags.positiveInt("--batch", defaults.batchSize()),
            flags.number("--l2", defaults.l2(), 0, false), flags.whole("--seed", defaults.seed()), 0);
    }
}
