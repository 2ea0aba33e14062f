package io.mobula.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import io.mobula.Mobula;
import io.mobula.NodeContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dataset six times larger than the node's object store streams through it: every block's
 * result goes through the store (each is larger than the inline threshold), yet results never
 * pile up there, because an action keeps only a few blocks in flight and drops each result once
 * consumed. Results equal a sequential pass over the same file.
 * <p>
 * The check has teeth: the first block is held back, so with an unbounded window every other
 * block's result would be waiting in the store at once (run with {@code maxInFlightBlocks(1000)},
 * the store spills about 30 MiB here and the spill assertion fails). A dropped result's room is
 * reused only once the garbage collector has found its ref unreachable, so a block or two may
 * still be spilled when the collector lags; the bound allows for that, not for a pile-up.
 */
@Timeout(180)
class DatasetLargerThanStoreTest {
    private static final long STORE_BYTES = 8L << 20;
    private static final long DATA_BYTES = 48L << 20;
    private static final long BLOCK_BYTES = 512 * 1024;

    @TempDir
    static Path temp;
    private static Path file;
    private static Mobula mobula;

    @BeforeAll
    static void start() throws IOException {
        file = temp.resolve("big.txt");
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            long written = 0;
            for (int i = 0; written < DATA_BYTES; i++) {
                String line = String.format(Locale.ROOT, "record %09d %s", i, Integer.toHexString(i * 31 + 7).repeat(1 + i % 9));
                out.write(line);
                out.write('\n');
                written += line.length() + 1;
            }
        }
        mobula = Mobula.init(new NodeContext().cpus(2).storeCapacityBytes(STORE_BYTES));
    }

    @AfterAll
    static void stop() {
        mobula.close();
    }

    /** Lines, characters and a checksum of the upper-cased lines, computed here without the runtime. */
    private static long[] sequential() throws IOException {
        long[] sums = new long[3];
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                String upper = line.toUpperCase(Locale.ROOT);
                sums[0]++;
                sums[1] += upper.length();
                sums[2] += upper.hashCode();
            }
        }
        return sums;
    }

    /**
     * Upper-cases a line; on the file's first line it waits a while first, so block 0 finishes
     * last and every later block is done before the ordered hand-over can start. Were blocks
     * submitted without a bound, all of their results would pile up in the store by then.
     */
    private static String upperStallingOnTheFirstLine(String line) throws InterruptedException {
        if (line.startsWith(FIRST_LINE_PREFIX)) {
            Thread.sleep(STALL_MS);
        }
        return line.toUpperCase(Locale.ROOT);
    }

    private static final String FIRST_LINE_PREFIX = "record 000000000 ";
    private static final long STALL_MS = 2_000;

    @Test
    void aDatasetSixTimesTheStoreStreamsThroughItWithoutPilingUpThere() throws IOException {
        assertTrue(Files.size(file) >= 6 * mobula.storeStats().capacityBytes(), "the data is far larger than the store");
        Dataset<String> upper = Dataset.readText(mobula, List.of(file), ReadOptions.defaults().blockBytes(BLOCK_BYTES))
            .maxInFlightBlocks(2)
            .map(DatasetLargerThanStoreTest::upperStallingOnTheFirstLine);
        assertTrue(upper.blockCount() >= 96);

        long[] sums = new long[3];
        long[] maxSpilled = {0};
        upper.forEachLocal(line -> {
            sums[0]++;
            sums[1] += line.length();
            sums[2] += line.hashCode();
            maxSpilled[0] = Math.max(maxSpilled[0], mobula.storeStats().spilledBytes());
        });

        long[] expected = sequential();
        assertEquals(expected[0], sums[0], "lines");
        assertEquals(expected[1], sums[1], "characters");
        assertEquals(expected[2], sums[2], "checksum");
        assertTrue(maxSpilled[0] < STORE_BYTES / 2, "block results did not pile up in the store (at most "
            + maxSpilled[0] + " bytes spilled at once; blocks of " + BLOCK_BYTES + " bytes, 2 in flight)");
        assertEquals(expected[0], upper.count());
    }

    @Test
    void writeOfADatasetLargerThanTheStore() throws IOException {
        Path out = temp.resolve("out");
        long rows = Dataset.readText(mobula, List.of(file), ReadOptions.defaults().blockBytes(BLOCK_BYTES))
            .maxInFlightBlocks(4)
            .filter(line -> line.endsWith("7") || line.contains("ff"))
            .write(out);
        long expected;
        try (var lines = Files.lines(file)) {
            expected = lines.filter(line -> line.endsWith("7") || line.contains("ff")).count();
        }
        assertEquals(expected, rows);
        assertEquals(expected, Dataset.readText(mobula, out).count());
    }
}
