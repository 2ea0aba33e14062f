package io.mobula.benchmarks.micro;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.mobula.Mobula;
import io.mobula.NodeContext;
import io.mobula.command.CliCommand;
import io.mobula.command.Flags;
import io.mobula.command.UsageException;

/**
 * {@code mobula microbenchmark}: Ray's microbenchmark cases on an embedded node, side by side with
 * Ray 2.37's published figures and this project's targets.
 * <p>
 * Each case is set up once (not timed), warmed up, then its trial repeated for a fixed time; the
 * figure is operations (or bytes) over that time.
 */
public final class MicrobenchmarkCommand implements CliCommand {
    private static final long DEFAULT_MEASURE_MS = 1_500;
    /**
     * The suite's store: twenty 100 MiB objects. An embedded node frees an object when its ref is
     * collected, so a put loop that drops its refs costs one collection per pass over the store;
     * a larger store spreads that cost over more puts.
     */
    static final long STORE_CAPACITY_BYTES = 2L << 30;

    @Override
    public String name() {
        return "microbenchmark";
    }

    @Override
    public String summary() {
        return "run Ray's microbenchmark cases, embedded and through a connected driver, next to Ray's figures";
    }

    @Override
    public String usage() {
        return "microbenchmark [--filter REGEX] [--json] [--time-ms N] [--no-connected]";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Pattern filter = null;
        boolean json = false;
        long measureMs = DEFAULT_MEASURE_MS;
        boolean connected = true;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--json" -> json = true;
                case "--filter" -> filter = compile(Flags.value(args, ++i, arg));
                case "--time-ms" -> measureMs = Flags.positive(Flags.value(args, ++i, arg), arg);
                case "--no-connected" -> connected = false;
                default -> throw new UsageException("unknown argument '" + arg + "'");
            }
        }
        List<MicroCase> cases = new ArrayList<>();
        for (MicroCase c : MicroCases.all()) {
            if (filter == null || filter.matcher(c.name()).find()) {
                cases.add(c);
            }
        }
        if (cases.isEmpty()) {
            throw new UsageException("no case matches the filter; cases are named as Ray's, e.g. single_client_tasks_sync");
        }
        List<Measurement> results = runAll(cases, measureMs, err);
        if (connected && cases.stream().anyMatch(MicroCase::connected)) {
            results.addAll(ConnectedSuite.run(cases, measureMs, err));
        }
        if (json) {
            out.println(ResultsFormat.json(results));
        } else {
            out.print(ResultsFormat.table(results));
        }
        return 0;
    }

    static List<Measurement> runAll(List<MicroCase> cases, long measureMs, PrintStream progress) throws Exception {
        List<Measurement> results = new ArrayList<>();
        boolean needsMemcpy = cases.stream().anyMatch(MicroCase::gigabytes);
        double memcpy = needsMemcpy ? memcpyGbps(measureMs) : Double.NaN;
        NodeContext node = new NodeContext().storeCapacityBytes(STORE_CAPACITY_BYTES);
        try (Mobula mobula = Mobula.init(node); SuiteContext context = new SuiteContext(mobula)) {
            for (int i = 0; i < cases.size(); i++) {
                MicroCase c = cases.get(i);
                progress.printf("\r[%2d/%d] %-48s", i + 1, cases.size(), c.name());
                progress.flush();
                MicroCase.Trial trial = c.setup().prepare(context);
                if (trial == null) {
                    results.add(new Measurement(c, Double.NaN, Double.NaN));
                    continue;
                }
                double rate = measure(trial, context, measureMs / 3, measureMs);
                if (c.gigabytes()) {
                    results.add(new Measurement(c, rate / 1e9, memcpy));
                } else {
                    results.add(new Measurement(c, rate, Double.NaN));
                }
                System.gc(); // free what the case left, so the next starts clean
            }
        }
        progress.printf("\r%-60s\r", "");
        progress.flush();
        return results;
    }

    /** Runs the trial for {@code warmupMs}, then for {@code measureMs}; units per second. */
    static double measure(MicroCase.Trial trial, SuiteContext context, long warmupMs, long measureMs) throws Exception {
        long warmupEnd = System.nanoTime() + warmupMs * 1_000_000L;
        while (System.nanoTime() < warmupEnd) {
            trial.run(context);
        }
        long start = System.nanoTime();
        long end = start + measureMs * 1_000_000L;
        long units = 0;
        long now;
        do {
            units += trial.run(context);
            now = System.nanoTime();
        } while (now < end);
        return units / ((now - start) / 1e9);
    }

    /** The bound for the gigabytes cases: a bare copy of 100 MiB from the heap into touched native memory. */
    static double memcpyGbps(long measureMs) {
        double[] source = new double[MicroCases.GIGABYTES_ARRAY_BYTES / Double.BYTES];
        java.util.Arrays.fill(source, 1.0);
        MemorySegment from = MemorySegment.ofArray(source);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment to = arena.allocate(MicroCases.GIGABYTES_ARRAY_BYTES, 64); // zeroed, so touched
            long end = System.nanoTime() + measureMs * 1_000_000L;
            long bytes = 0;
            long start = System.nanoTime();
            long now;
            do {
                MemorySegment.copy(from, 0, to, 0, MicroCases.GIGABYTES_ARRAY_BYTES);
                bytes += MicroCases.GIGABYTES_ARRAY_BYTES;
                now = System.nanoTime();
            } while (now < end);
            return bytes / 1e9 / ((now - start) / 1e9);
        }
    }

    private static Pattern compile(String regex) throws UsageException {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new UsageException("--filter is not a valid regular expression: " + e.getDescription());
        }
    }

    static String format(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        if (value >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
