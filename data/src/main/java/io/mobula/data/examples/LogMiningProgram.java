package io.mobula.data.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

import io.mobula.Mobula;
import io.mobula.command.ExampleProgram;
import io.mobula.command.Flags;
import io.mobula.command.UsageException;
import io.mobula.data.DataSourceException;
import io.mobula.data.Dataset;
import io.mobula.data.Pair;
import io.mobula.data.ReadOptions;

/**
 * {@code mobula run logmining}: the seed's log mining with the data library. For each log (default:
 * the shipped logs; or {@code --data FILE|FOLDER}) whose format it recognises ({@link LogFormat}),
 * counts the records by level (an access log: by HTTP status), a shuffle over the lines; then, for a
 * leveled log, keeps the messages of the {@code ERROR} records in the object store
 * ({@link Dataset#cache()}) and counts, for each query word, the cached messages containing it,
 * without reading the log again: the seed's log mining, over every log at once.
 */
public final class LogMiningProgram implements ExampleProgram {
    /** The seed's query words: database, message-bus and Kafka replication trouble. */
    public static final List<String> QUERIES = List.of("model server", "NOT_FOUND", "Exchange", "Leader", "offset");
    public static final String LEVEL = "ERROR";
    static final long BLOCK_BYTES = 64 * 1024;

    /** One log: its file, its format, its records by level, and how many of its messages hold each query word. */
    public record LogReport(Path file, LogFormat format, Map<String, Long> byLevel, long selected, Map<String, Long> queries) {
    }

    @Override
    public String name() {
        return "logmining";
    }

    @Override
    public String summary() {
        return "log mining with the data library: records by level, ERROR messages cached and queried";
    }

    @Override
    public String usage() {
        return "[--data FILE|FOLDER] [--level LEVEL] [--query WORD]... [--address HOST:PORT]";
    }

    /** The logs under {@code path} whose format is known, with it; other files (licences, say) are left out. */
    public static Map<Path, LogFormat> logs(Path path) {
        if (!Files.exists(path)) {
            throw new DataSourceException("no file or folder at " + path.toAbsolutePath() + "; pass an existing log or folder of logs");
        }
        List<Path> files;
        if (Files.isDirectory(path)) {
            try (java.util.stream.Stream<Path> listing = Files.list(path)) {
                files = listing.filter(Files::isRegularFile).sorted().toList();
            } catch (IOException e) {
                throw new DataSourceException("cannot list " + path + ": " + e.getMessage(), e);
            }
        } else {
            files = List.of(path);
        }
        Map<Path, LogFormat> logs = new LinkedHashMap<>();
        for (Path file : files) {
            firstLine(file).flatMap(LogFormat::detect).ifPresent(format -> logs.put(file, format));
        }
        return logs;
    }

    /** Mines one log: records by level, then the selected level's messages cached and queried. */
    public static LogReport mine(Mobula mobula, Path file, LogFormat format, String level, List<String> queries,
                                 Dataset.ProgressListener progress) {
        Dataset<String> lines = Dataset.readText(mobula, List.of(file), ReadOptions.defaults().blockBytes(BLOCK_BYTES))
            .onProgress(progress);
        Map<String, Long> byLevel = new TreeMap<>();
        for (Pair<String, Long> pair : lines.map(format::level).filter(Objects::nonNull)
            .reduceByKey(l -> l, l -> 1L, Long::sum).collect()) {
            byLevel.put(pair.key(), pair.value());
        }
        if (format == LogFormat.ACCESS) {
            return new LogReport(file, format, byLevel, 0, Map.of()); // an access log's "levels" are HTTP statuses
        }
        Dataset<String> messages = lines.filter(line -> level.equals(format.level(line))).map(format::message).cache();
        long selected = messages.count();
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String word : queries) {
            counts.put(word, messages.filter(message -> message.contains(word)).count());
        }
        return new LogReport(file, format, byLevel, selected, counts);
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Path data = null;
        String level = LEVEL;
        List<String> queries = new ArrayList<>();
        String address = null;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--data" -> data = Path.of(Flags.value(args, ++i, "--data"));
                case "--level" -> level = Flags.value(args, ++i, "--level");
                case "--query" -> queries.add(Flags.value(args, ++i, "--query"));
                case "--address" -> address = Flags.value(args, ++i, "--address");
                default -> throw new UsageException("unknown flag '" + args.get(i) + "'");
            }
        }
        if (queries.isEmpty()) {
            queries = QUERIES;
        }
        Path input = data != null ? data : ShippedText.path(ShippedText.LOGS);
        Map<Path, LogFormat> logs = logs(input);
        if (logs.isEmpty()) {
            throw new UsageException("no log under " + input + " has a format this program knows (OpenStack, Log4j/Kafka, "
                + "Apache combined access log); pass --data with such a log or a folder of them");
        }
        List<LogReport> reports = new ArrayList<>();
        try (Mobula mobula = address == null ? Mobula.init() : Mobula.init(address)) {
            for (Map.Entry<Path, LogFormat> log : logs.entrySet()) {
                reports.add(mine(mobula, log.getKey(), log.getValue(), level, queries,
                    new ProgressLine(err, log.getKey().getFileName().toString())));
            }
        }
        Map<String, Long> totals = new LinkedHashMap<>();
        for (LogReport report : reports) {
            out.printf(Locale.ROOT, "%s (%s): %s%n", report.file().getFileName(), report.format(), report.byLevel());
            if (report.format() != LogFormat.ACCESS) {
                out.printf(Locale.ROOT, "  %,d %s messages, cached; containing:", report.selected(), level);
                report.queries().forEach((word, n) -> out.printf(Locale.ROOT, " \"%s\" %d", word, n));
                out.println();
                report.queries().forEach((word, n) -> totals.merge(word, n, Long::sum));
            }
        }
        out.printf(Locale.ROOT, "all logs, %s messages containing:%n", level);
        totals.forEach((word, n) -> out.printf(Locale.ROOT, "  %-16s %,6d%n", '"' + word + '"', n));
        return 0;
    }

    private static Optional<String> firstLine(Path file) {
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return Optional.ofNullable(reader.readLine());
        } catch (IOException e) {
            throw new DataSourceException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
