package io.mobula.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.mobula.Mobula;
import io.mobula.NodeContext;
import io.mobula.command.CliCommand;
import io.mobula.command.UsageException;
import io.mobula.data.examples.LogFormat;
import io.mobula.data.examples.WordCounts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs every seed program on one embedded node and checks its answer against a computation made
 * here, independently of the program's own check, then runs the demo command end to end.
 */
@Timeout(60)
class SeedProgramsTest {
    private static Mobula mobula;

    @BeforeAll
    static void startNode() {
        mobula = Mobula.init(new NodeContext().cpus(DemoCommand.CPUS));
    }

    @AfterAll
    static void stopNode() {
        mobula.close();
    }

    @Test
    void arrayAddEqualsTheDirectSum() {
        double[] a = ArrayFiles.read(ExampleData.ARRAY_A);
        double[] b = ArrayFiles.read(ExampleData.ARRAY_B);
        double[] expected = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            expected[i] = a[i] + b[i];
        }

        ArrayAddSeed.Result result = new ArrayAddSeed().run(mobula);

        assertEquals(16_384, result.sum().length);
        assertArrayEquals(expected, result.sum());
        assertTrue(result.verified());
    }

    @Test
    void counterCountsOneThenTwo() {
        CounterSeed.Result result = new CounterSeed().run(mobula);

        assertEquals(List.of(1, 2), result.values());
        assertTrue(result.verified());
    }

    @Test
    void parameterServerConvergesToTheTrueWeights() {
        ParameterServerSeed.Result result = new ParameterServerSeed().run(mobula);

        assertArrayEquals(ParameterServerSeed.TRUE_WEIGHTS, result.learned(), ParameterServerSeed.TOLERANCE);
        assertEquals((long) ParameterServerSeed.WORKERS * ParameterServerSeed.STEPS_PER_WORKER, result.updates(),
            "every pushed gradient is applied");
        assertTrue(result.verified());
    }

    @Test
    void balancedTreeReduceIsFasterThanTheChain() {
        TreeReduceSeed.Result result = new TreeReduceSeed().run(mobula);

        assertEquals(36, result.chainedSum());
        assertEquals(36, result.balancedSum());
        assertEquals(3, result.balancedRounds());
        assertTrue(result.chainedNanos() >= 7 * SlowMath.ADD_MILLIS * 1_000_000, "7 dependent adds cannot overlap");
        assertTrue(result.balancedNanos() < result.chainedNanos(),
            "balanced " + result.balancedNanos() + " ns, chained " + result.chainedNanos() + " ns");
        assertTrue(result.verified());
    }

    @Test
    void wordCountEqualsASequentialCount() {
        Map<String, Long> expected = new HashMap<>();
        Matcher words = Pattern.compile("[a-z]+").matcher(ExampleData.text(ExampleData.SHAKESPEARE).toLowerCase(Locale.ROOT));
        while (words.find()) {
            expected.merge(words.group(), 1L, Long::sum);
        }

        WordCountSeed.Result result = new WordCountSeed().run(mobula);

        assertEquals(expected, result.counts());
        assertEquals(208_503, WordCounts.total(result.counts()), "total checked once with an outside tool");
        assertEquals(new WordCounts.WordCount("the", 6_287), WordCounts.top(result.counts(), 10).get(0));
        assertTrue(result.verified());
    }

    @Test
    void wordCountBlocksKeepEveryLine() {
        String text = "a b\nc\n\nd e f\ng\n";
        List<String> blocks = WordCountSeed.blocks(text, 3);

        assertEquals(3, blocks.size());
        assertEquals(text.lines().toList(), String.join("\n", blocks).lines().toList());
    }

    @Test
    void logMiningEqualsASequentialComputation() {
        LogMiningSeed.Result result = new LogMiningSeed().run(mobula);

        Map<String, Long> expected = new LinkedHashMap<>();
        List<String> errorLines = errorLinesByLevelField();
        for (String word : LogMiningSeed.QUERIES) {
            expected.put(word, errorLines.stream().filter(line -> line.contains(word)).count());
        }
        assertEquals(Map.of("nova-conductor.log", 24, "kafka1-server.log.2016-12-19-19", 14), result.messagesPerLog());
        assertEquals(expected, result.counts(), "no query word occurs in a line's timestamp, level or logger, so whole "
            + "lines and messages give the same counts");
        assertEquals(LogMiningSeed.sequential(), result.counts());
        assertTrue(result.counts().values().stream().allMatch(count -> count > 0), "every query word occurs");
        assertTrue(result.verified());
    }

    /** The ERROR lines of both logs, selected by splitting each line on whitespace: the reference. */
    private static List<String> errorLinesByLevelField() {
        List<String> nova = ExampleData.lines(ExampleData.NOVA_CONDUCTOR_LOG).stream()
            .filter(line -> line.split("\\s+").length > 3 && line.split("\\s+")[3].equals("ERROR"))
            .toList();
        List<String> kafka = ExampleData.lines(ExampleData.KAFKA_SERVER_LOG).stream()
            .filter(line -> line.startsWith("[") && line.split("\\s+")[2].equals("ERROR"))
            .toList();
        return Stream.concat(nova.stream(), kafka.stream()).toList();
    }

    @Test
    void logLinesAreSelectedByTheirLevelFieldNotTheirText() {
        String info = "2015-11-12 16:12:20.051 18519 INFO nova.foo [req-1 - - - - -] ERROR is only mentioned here";
        String error = "2015-11-12 16:12:20.051 18519 ERROR nova.foo [req-1 - - - - -] model server went away";
        String kafka = "[2016-12-19 19:27:51,292] ERROR [ReplicaFetcherThread-0-2], Current offset 1 out of range (kafka.server.X)";

        assertEquals("INFO", LogFormat.OSLO.level(info));
        assertEquals("model server went away", LogFormat.OSLO.message(error));
        assertEquals("ERROR", LogFormat.LOG4J.level(kafka));
        assertEquals("[ReplicaFetcherThread-0-2], Current offset 1 out of range", LogFormat.LOG4J.message(kafka));
        assertNull(LogFormat.LOG4J.level("\tadvertised.host.name = null ERROR"), "continuation lines have no level");
    }

    @Test
    void demoRunsAllSixAndReportsThem() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = new DemoCommand().run(List.of(), print(out), print(err));

        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, text + err.toString(StandardCharsets.UTF_8));
        for (SeedProgram<?> program : SeedPrograms.all()) {
            assertTrue(text.contains(program.name()), program.name() + " missing from:\n" + text);
        }
        assertEquals(6, SeedPrograms.all().size());
        assertTrue(text.contains("6 of 6 seed programs verified"), text);
    }

    @Test
    void demoRunsOneProgramOrRefusesAnUnknownName() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertEquals(0, new DemoCommand().run(List.of("--only", "counter"), print(out), print(new ByteArrayOutputStream())));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("1 of 1 seed programs verified"));
        assertThrows(UsageException.class, () -> new DemoCommand().run(List.of("--only", "nope"), System.out, System.err));
        assertThrows(UsageException.class, () -> new DemoCommand().run(List.of("--only"), System.out, System.err));
    }

    @Test
    void demoIsRegisteredWithTheCommandLine() {
        assertTrue(ServiceLoader.load(CliCommand.class).stream().anyMatch(provider -> provider.type() == DemoCommand.class));
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
