package io.mobula.ml.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.mobula.Mobula;
import io.mobula.command.ExampleProgram;
import io.mobula.command.UsageException;
import io.mobula.ml.data.LibSvmReader;
import io.mobula.ml.data.ShippedTrainingData;
import io.mobula.ml.data.SparseExample;
import io.mobula.ml.online.OnlineLearning;
import io.mobula.ml.online.OnlineReport;
import io.mobula.ml.online.OnlineSettings;

/** {@code mobula run online}: a labelled stream into an online learner; a serving actor swapping models under query load. */
public final class OnlineProgram implements ExampleProgram {
    private static final Set<String> VALUED = Set.of("--train", "--test", "--rate", "--batch", "--clients", "--pause-us", "--lr", "--l2",
        "--address");

    @Override
    public String name() {
        return "online";
    }

    @Override
    public String summary() {
        return "online logistic regression on a replayed event stream; a serving actor swaps models under query load";
    }

    @Override
    public String usage() {
        return "[--train FILE --test FILE (LibSVM, labels 0/1)] [--rate EVENTS_PER_S] [--batch N] [--clients N] [--pause-us N] "
            + "[--lr X] [--l2 X] [--address HOST:PORT]   (default data: UCI mushroom, agaricus.txt.train / .test)";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws UsageException, InterruptedException, IOException {
        ProgramFlags flags = ProgramFlags.parse(args, VALUED, Set.of());
        OnlineSettings defaults = OnlineSettings.defaults();
        OnlineSettings settings = new OnlineSettings(flags.positiveInt("--rate", defaults.eventsPerSecond()),
            flags.positiveInt("--batch", defaults.batchSize()), flags.positiveInt("--clients", defaults.queryClients()),
            flags.whole("--pause-us", defaults.queryPauseMicros()), flags.number("--lr", defaults.learningRate(), 0, true), flags.number("--l2", defaults.l2(), 0, false));
        if (settings.queryPauseMicros() < 0) {
            throw new UsageException("--pause-us must be 0 or more");
        }
        if (flags.has("--train") != flags.has("--test")) {
            throw new UsageException("--train and --test go together (a stream to learn and rows to score)");
        }
        String address = flags.text("--address", null);
        List<SparseExample> stream;
        List<SparseExample> test;
        String source;
        if (flags.has("--train")) {
            stream = LibSvmReader.read(Path.of(flags.text("--train", null)));
            test = LibSvmReader.read(Path.of(flags.text("--test", null)));
            source = flags.text("--train", null) + " / " + flags.text("--test", null);
        } else {
            stream = shipped(ShippedTrainingData.AGARICUS_TRAIN);
            test = shipped(ShippedTrainingData.AGARICUS_TEST);
            source = "agaricus.txt.train / .test (" + ShippedTrainingData.ATTRIBUTION + ")";
        }
        out.printf(Locale.ROOT, "online: %s: a stream of %d labelled events, %d test rows%n", source, stream.size(), test.size());
        out.printf(Locale.ROOT, "online: %,d events/s, a model per %d events, %d query clients, on the %s%n", settings.eventsPerSecond(),
            settings.batchSize(), settings.queryClients(), Clusters.where(address));
        OnlineReport r;
        try (Mobula mobula = Clusters.connect(address)) {
            r = OnlineLearning.run(mobula, stream, test, settings, p -> out.printf(Locale.ROOT,
                "events %,6d/%,d  serving model v%d  queries %,d%n", p.events(), p.total(), p.servedVersion(), p.queries()));
        }
        out.printf(Locale.ROOT, "replayed %,d events in %.2f s; %d models published, %d swapped in%n", r.events(), r.seconds(),
            r.modelsPublished(), r.swapsInstalled());
        out.printf(Locale.ROOT, "label -> served model: p50 %.2f ms, p99 %.2f ms, max %.2f ms (includes waiting for the batch to fill: "
            + "up to %.1f ms)%n", r.freshnessP50Ms(), r.freshnessP99Ms(), r.freshnessMaxMs(), 1e3 * settings.batchSize()
            / settings.eventsPerSecond());
        out.printf(Locale.ROOT, "serving during training: %,d queries, p50 %.3f ms, p99 %.3f ms, %d failed, %d from an older model%n",
            r.queries(), r.servingP50Ms(), r.servingP99Ms(), r.failedQueries(), r.versionRegressions());
        out.printf(Locale.ROOT, "progressive (predict, then learn) accuracy: %.3f%n", r.progressiveAccuracy());
        out.printf(Locale.ROOT, "test accuracy: %.3f (%d held-out rows)%n", r.testAccuracy(), r.testRows());
        return r.failedQueries() == 0 ? 0 : 1;
    }

    private static List<SparseExample> shipped(String path) throws IOException {
        try (InputStream in = ShippedTrainingData.open(path)) {
            return LibSvmReader.read(path, in);
        }
    }
}
