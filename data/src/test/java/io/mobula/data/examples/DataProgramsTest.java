package io.mobula.data.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.mobula.Mobula;
import io.mobula.NodeContext;
import io.mobula.cli.RunCommand;
import io.mobula.command.UsageException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The data library's programs ({@code mobula run wordcount}, {@code mobula run logmining}) on the
 * shipped data, against sequential computations made here and the counts the data's provenance
 * notes publish.
 */
@Timeout(180)
class DataProgramsTest {
    private static Mobula mobula;

    @BeforeAll
    static void startNode() {
        mobula = Mobula.init(new NodeContext().cpus(2));
    }

    @AfterAll
    static void stopNode() {
        mobula.close();
    }

    @Test
    void wordCountOverTheWholeShakespeareEqualsTheSequentialCount() throws IOException {
        Path text = ShippedText.path(ShippedText.SHAKESPEARE);
        Map<String, Long> sequential = new HashMap<>();
        Matcher words = Pattern.compile("[a-z]+").matcher(Files.readString(text, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT));
        while (words.find()) {
            sequential.merge(words.group(), 1L, Long::sum);
        }

        Map<String, Long> counts = WordCountProgram.count(mobula, text, (phase, done, total) -> { });

        assertEquals(sequential, counts);
        assertEquals(208_503, WordCounts.total(counts));
        assertEquals(new WordCounts.WordCount("the", 6_287), WordCounts.top(counts, 1).get(0));
    }

    @Test
    void logMiningOverTheShippedLogsEqualsTheSequentialComputation() throws IOException {
        Map<Path, LogFormat> logs = LogMiningProgram.logs(ShippedText.path(ShippedText.LOGS));
        Map<String, LogFormat> byName = new TreeMap<>();
        logs.forEach((file, format) -> byName.put(file.getFileName().toString(), format));
        assertEquals(Map.of("apache_logs", LogFormat.ACCESS, "kafka1-server.log.2016-12-19-19", LogFormat.LOG4J,
            "nova-conductor.log", LogFormat.OSLO), byName, "the licence files are not logs");

        Map<String, Map<String, Long>> levels = new TreeMap<>();
        Map<String, Long> queryTotals = new LinkedHashMap<>();
        for (Map.Entry<Path, LogFormat> log : logs.entrySet()) {
            LogFormat format = log.getValue();
            List<String> lines = Files.readAllLines(log.getKey(), StandardCharsets.US_ASCII);
            LogMiningProgram.LogReport report = LogMiningProgram.mine(mobula, log.getKey(), format, LogMiningProgram.LEVEL,
                LogMiningProgram.QUERIES, (phase, done, total) -> { });

            Map<String, Long> byLevel = lines.stream().map(format::level).filter(Objects::nonNull)
                .collect(Collectors.groupingBy(l -> l, TreeMap::new, Collectors.counting()));
            assertEquals(byLevel, report.byLevel(), log.getKey().toString());
            levels.put(log.getKey().getFileName().toString(), report.byLevel());
            if (format == LogFormat.ACCESS) {
                continue;
            }
            List<String> messages = lines.stream().filter(l -> LogMiningProgram.LEVEL.equals(format.level(l)))
                .map(format::message).toList();
            assertEquals(messages.size(), report.selected());
            for (String word : LogMiningProgram.QUERIES) {
                long expected = messages.stream().filter(m -> m.contains(word)).count();
                assertEquals(expected, report.queries().get(word), word + " in " + log.getKey());
                queryTotals.merge(word, expected, Long::sum);
            }
        }
        // the counts the shared data's README publishes for these files
        assertEquals(Map.of("TRACE", 448L, "INFO", 173L, "WARNING", 30L, "ERROR", 24L), levels.get("nova-conductor.log"));
        assertEquals(Map.of("INFO", 259L, "ERROR", 14L, "WARN", 4L), levels.get("kafka1-server.log.2016-12-19-19"));
        assertEquals(Map.of("200", 9126L, "304", 445L, "404", 213L, "301", 164L, "206", 45L, "500", 3L, "403", 2L, "416", 2L),
            levels.get("apache_logs"));
        // the seed's answer over its two logs
        assertEquals(Map.of("model server", 8L, "NOT_FOUND", 16L, "Exchange", 16L, "Leader", 10L, "offset", 12L), queryTotals);
    }

    @Test
    void bothProgramsRunThroughMobulaRun() throws Exception {
        RunCommand run = new RunCommand();
        assertTrue(run.summary().contains("wordcount") && run.summary().contains("logmining"), run.summary());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, run.run(List.of("wordcount", "--top", "3"), print(out), print(err)));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("208,503 words, 11,455 distinct") && text.contains("1. the") && text.contains("6,287"), text);

        out.reset();
        assertEquals(0, run.run(List.of("logmining", "--query", "Leader"), print(out), print(err)));
        text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("nova-conductor.log (OSLO): {ERROR=24, INFO=173, TRACE=448, WARNING=30}"), text);
        assertTrue(text.contains("\"Leader\""), text);

        UsageException bad = assertThrows(UsageException.class, () -> run.run(List.of("wordcount", "--frobnicate"),
            print(out), print(err)));
        assertTrue(bad.getMessage().contains("--frobnicate") && bad.getMessage().contains("usage: mobula run wordcount"),
            bad.getMessage());
        assertThrows(UsageException.class, () -> run.run(List.of("wordcount", "--top", "zero"), print(out), print(err)));
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
