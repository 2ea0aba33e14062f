package io.mobula.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import io.mobula.Mobula;
import io.mobula.NodeContext;
import io.mobula.TaskException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every transformation and action of {@link Dataset} against the same computation done
 * sequentially, here, on the same data, on one embedded node.
 */
@Timeout(120)
class DatasetTest {
    private static Mobula mobula;

    @TempDir
    Path temp;

    @BeforeAll
    static void startNode() {
        mobula = Mobula.init(new NodeContext().cpus(2));
    }

    @AfterAll
    static void stopNode() {
        mobula.close();
    }

    /** Lines with the awkward cases: empty lines, CRLF, non-ASCII, a long line, no final newline. */
    private static final String TEXT = "first line\n\nsecond\r\nthird is longer than the block size by far, far, far\n"
        + "caf\u00e9 \u00fcber\n" + "x".repeat(300) + "\n\n\nlast without newline";

    private static List<String> expectedLines() {
        return List.of(TEXT.split("\n", -1)).stream().map(l -> l.endsWith("\r") ? l.substring(0, l.length() - 1) : l).toList();
    }

    @Test
    void textBlocksReadEveryLineOnceWhateverTheBlockSize() throws IOException {
        Path file = Files.writeString(temp.resolve("t.txt"), TEXT, StandardCharsets.UTF_8);
        for (long blockBytes : new long[] {1, 2, 7, 16, 100, 1 << 20}) {
            Dataset<String> lines = Dataset.readText(mobula, List.of(file), ReadOptions.defaults().blockBytes(blockBytes));
            assertEquals(expectedLines(), lines.collect(), "block size " + blockBytes);
            assertEquals(expectedLines().size(), lines.count(), "block size " + blockBytes);
        }
    }

    @Test
    void gzipFilesAndFoldersReadLikeThePlainText() throws IOException {
        Path folder = Files.createDirectories(temp.resolve("in"));
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(folder.resolve("a.txt.gz")))) {
            out.write(TEXT.getBytes(StandardCharsets.UTF_8));
        }
        Files.writeString(folder.resolve("b.txt"), "b1\nb2\n");
        Files.writeString(folder.resolve(".hidden"), "never read\n");
        Files.writeString(folder.resolve("_SUCCESS"), "never read\n");
        List<String> expected = new ArrayList<>(expectedLines());
        expected.addAll(List.of("b1", "b2"));
        for (long blockBytes : new long[] {1, 10, 1 << 20}) {
            Dataset<String> lines = Dataset.readText(mobula, List.of(folder), ReadOptions.defaults().blockBytes(blockBytes));
            assertEquals(expected, lines.collect(), "block size " + blockBytes);
        }
        assertTrue(Dataset.readText(mobula, List.of(folder), ReadOptions.defaults().blockBytes(10)).blockCount() > 3);
    }

    @Test
    void csvRowsWithQuotesAndAHeader() throws IOException {
        Path file = Files.writeString(temp.resolve("t.csv"), "name,score,note\n"
            + "ann,3.5,plain\n" + "\"bob, jr\",4,\"said \"\"hi\"\"\"\n" + "cy,-1,\n");
        List<CsvRow> rows = Dataset.readCsv(mobula, List.of(file), ReadOptions.defaults().csvHeader(true).blockBytes(8))
            .collect();
        assertEquals(3, rows.size());
        assertEquals(List.of("bob, jr", "4", "said \"hi\""), rows.get(1).fields());
        assertEquals("\"bob, jr\",4,\"said \"\"hi\"\"\"", rows.get(1).toString());
        assertEquals(6.5, rows.stream().mapToDouble(r -> r.getDouble(1)).sum());
        assertEquals("", rows.get(2).get(2));
    }

    @Test
    void mapFilterFlatMapAndMapPartitionsEqualTheSequentialPipeline() {
        List<Integer> numbers = IntStream.range(0, 10_000).boxed().toList();
        List<String> expected = numbers.stream()
            .map(n -> n * 3)
            .filter(n -> n % 2 == 0)
            .flatMap(n -> Stream.of(n, -n))
            .map(n -> "v" + n)
            .toList();
        List<String> got = Dataset.fromList(mobula, numbers, 7)
            .map(n -> n * 3)
            .filter(n -> n % 2 == 0)
            .flatMap(n -> List.of(n, -n))
            .mapPartitions(DatasetTest::prefixed)
            .collect();
        assertEquals(expected, got);
    }

    private static Iterator<String> prefixed(Iterator<Integer> rows) {
        List<String> out = new ArrayList<>();
        rows.forEachRemaining(n -> out.add("v" + n));
        return out.iterator();
    }

    @Test
    void reduceByKeyAndGroupByKeyEqualTheSequentialGrouping() {
        List<Integer> numbers = IntStream.range(0, 20_000).boxed().toList();
        Map<Integer, Long> sums = numbers.stream().collect(Collectors.groupingBy(n -> n % 97, TreeMap::new,
            Collectors.summingLong(n -> n)));
        Dataset<Integer> data = Dataset.fromList(mobula, numbers, 9);

        for (int partitions : new int[] {1, 4, 13}) {
            Map<Integer, Long> got = new TreeMap<>();
            for (Pair<Integer, Long> pair : data.reduceByKey(n -> n % 97, n -> (long) n, Long::sum, partitions).collect()) {
                assertEquals(null, got.put(pair.key(), pair.value()), "each key once");
            }
            assertEquals(sums, got, partitions + " partitions");
        }

        Map<String, List<Integer>> groups = numbers.stream().collect(Collectors.groupingBy(n -> "k" + n % 11));
        Map<String, List<Integer>> gotGroups = new HashMap<>();
        for (Pair<String, List<Integer>> pair : data.groupByKey(n -> "k" + n % 11, 5).collect()) {
            List<Integer> values = new ArrayList<>(pair.value());
            values.sort(Comparator.naturalOrder());
            gotGroups.put(pair.key(), values);
        }
        assertEquals(groups, gotGroups);
        // a shuffle's output is a dataset like any other: transform it and shuffle again
        assertEquals(11, data.groupByKey(n -> n % 11).map(Pair::key).count());
        assertEquals(List.of(new Pair<>(0, 11L)),
            data.groupByKey(n -> n % 11).reduceByKey(g -> 0, g -> 1L, Long::sum).collect());
    }

    @Test
    void takeCountAndCollect() throws IOException {
        List<String> lines = IntStream.range(0, 5_000).mapToObj(i -> "line " + i).toList();
        Path file = Files.write(temp.resolve("n.txt"), lines);
        Dataset<String> data = Dataset.readText(mobula, List.of(file), ReadOptions.defaults().blockBytes(1_000));
        assertTrue(data.blockCount() > 40);
        assertEquals(5_000, data.count());
        assertEquals(lines, data.collect());
        assertEquals(lines.subList(0, 3), data.take(3));
        assertEquals(lines.subList(0, 1_234), data.take(1_234));
        assertEquals(lines, data.take(10_000));
        assertEquals(List.of(), data.take(0));
        assertEquals(List.of("line 4999"), data.filter(l -> l.endsWith("4999")).take(5));
        assertEquals(0, data.filter(l -> false).count());
    }

    @Test
    void writeMakesOneFilePerBlockHoldingTheRows() throws IOException {
        List<String> lines = IntStream.range(0, 3_000).mapToObj(i -> "row " + i).toList();
        Path file = Files.write(temp.resolve("w.txt"), lines);
        Dataset<String> data = Dataset.readText(mobula, List.of(file), ReadOptions.defaults().blockBytes(2_000));
        Path out = temp.resolve("out");

        assertEquals(3_000, data.map(String::toUpperCase).write(out));

        List<Path> parts;
        try (Stream<Path> listing = Files.list(out)) {
            parts = listing.sorted().toList();
        }
        assertEquals(data.blockCount(), parts.size());
        assertEquals("part-00000", parts.get(0).getFileName().toString());
        List<String> back = new ArrayList<>();
        for (Path part : parts) {
            back.addAll(Files.readAllLines(part));
        }
        assertEquals(lines.stream().map(String::toUpperCase).toList(), back);
        // and read back as a dataset
        assertEquals(3_000, Dataset.readText(mobula, out).count());

        DataSinkException notEmpty = assertThrows(DataSinkException.class, () -> data.write(out));
        assertTrue(notEmpty.getMessage().contains("not empty"), notEmpty.getMessage());
    }

    @Test
    void cacheKeepsTheBlocksSoTheSourceIsNotReadAgain() throws IOException {
        List<String> lines = IntStream.range(0, 2_000).mapToObj(i -> "c" + i).toList();
        Path file = Files.write(temp.resolve("c.txt"), lines);
        Dataset<String> cached = Dataset.readText(mobula, List.of(file), ReadOptions.defaults().blockBytes(1_000))
            .filter(l -> l.endsWith("7"))
            .cache();
        Files.delete(file);

        List<String> expected = lines.stream().filter(l -> l.endsWith("7")).toList();
        assertEquals(expected, cached.collect());
        assertEquals(expected.size(), cached.count());
        assertEquals(expected.stream().filter(l -> l.contains("1")).count(), cached.filter(l -> l.contains("1")).count());
    }

    @Test
    void badInputGetsTypedErrorsNamingCauseAndFix() throws IOException {
        DataSourceException missing = assertThrows(DataSourceException.class,
            () -> Dataset.readText(mobula, temp.resolve("nope.txt")));
        assertTrue(missing.getMessage().contains("nope.txt") && missing.getMessage().contains("pass an existing"),
            missing.getMessage());

        Path empty = Files.createDirectories(temp.resolve("empty"));
        assertThrows(DataSourceException.class, () -> Dataset.readText(mobula, empty));

        Path notGzip = Files.writeString(temp.resolve("fake.gz"), "plain text\n");
        assertThrows(DataSourceException.class, () -> Dataset.readText(mobula, notGzip));

        Path file = Files.writeString(temp.resolve("f.txt"), "a\nb\n");
        Object notSerializable = new Object();
        UnserializableFunctionException captured = assertThrows(UnserializableFunctionException.class,
            () -> Dataset.readText(mobula, file).map(l -> l + notSerializable).count());
        assertTrue(captured.getMessage().contains("java.lang.Object"), captured.getMessage());

        TaskException thrown = assertThrows(TaskException.class,
            () -> Dataset.readText(mobula, file).map(l -> Integer.parseInt(l)).collect());
        assertTrue(thrown.getMessage().contains("map function (step 1") && thrown.getMessage().contains("For input string"),
            thrown.getMessage());

        Path badCsv = Files.writeString(temp.resolve("bad.csv"), "a,\"open\n");
        TaskException csv = assertThrows(TaskException.class, () -> Dataset.readCsv(mobula, badCsv).collect());
        assertTrue(csv.getMessage().contains("DataSourceException") && csv.getMessage().contains("not closed"), csv.getMessage());

        assertThrows(IllegalArgumentException.class, () -> ReadOptions.defaults().blockBytes(0));
        assertThrows(IllegalArgumentException.class, () -> Dataset.readText(mobula, file).take(-1));
    }
}
