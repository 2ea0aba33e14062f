package io.mobula.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.mobula.Mobula;
import io.mobula.command.CliCommand;
import io.mobula.cli.MobulaCli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A program connected to a head node in another process as a driver ({@code Mobula.init(address)}):
 * the dataset's tasks run on the node, reading the file by path, and every kind of block (file,
 * cached, shuffle merge and partition) works there; results equal the sequential computation.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DatasetOnAClusterTest {
    @TempDir
    Path home;
    @TempDir
    Path data;
    private String previousHome;
    private int port;

    private int cli(String... args) {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8);
        return new MobulaCli(ServiceLoader.load(CliCommand.class)).run(List.of(args), out, out);
    }

    @BeforeEach
    void startANode() throws Exception {
        previousHome = System.getProperty("mobula.home");
        System.setProperty("mobula.home", home.toString());
        try (DatagramSocket socket = new DatagramSocket(0)) {
            port = socket.getLocalPort();
        }
        assertEquals(0, cli("start", "--head", "--port", Integer.toString(port), "--resources", "{\"CPU\":2}"));
    }

    @AfterEach
    void stopIt() {
        cli("stop");
        if (previousHome == null) {
            System.clearProperty("mobula.home");
        } else {
            System.setProperty("mobula.home", previousHome);
        }
    }

    @Test
    void aDriverOfAClusterRunsEveryKindOfBlockOnTheNode() throws Exception {
        List<String> lines = IntStream.range(0, 3_000).mapToObj(i -> "w" + (i % 13) + " line " + i).toList();
        Path file = Files.write(data.resolve("in.txt"), lines);
        Map<String, Long> firstWords = lines.stream().collect(Collectors.groupingBy(l -> l.split(" ")[0], TreeMap::new,
            Collectors.counting()));
        List<String> ones = lines.stream().filter(l -> l.startsWith("w1 ")).toList();

        try (Mobula driver = Mobula.init("127.0.0.1:" + port)) {
            Dataset<String> text = Dataset.readText(driver, List.of(file), ReadOptions.defaults().blockBytes(4_000));
            assertTrue(text.blockCount() > 5);

            assertEquals(3_000, text.count());
            assertEquals(lines.stream().map(String::length).toList(), text.map(String::length).collect());
            assertEquals(lines.subList(0, 5), text.take(5));

            Map<String, Long> counted = new TreeMap<>();
            for (Pair<String, Long> pair : text.reduceByKey(l -> l.split(" ")[0], l -> 1L, Long::sum, 3).collect()) {
                counted.put(pair.key(), pair.value());
            }
            assertEquals(firstWords, counted, "the shuffle's pieces cross between the node and its tasks as refs");

            Dataset<String> cached = text.filter(l -> l.startsWith("w1 ")).cache();
            assertEquals(ones, cached.collect());
            assertEquals(ones.size(), cached.count());
        }
    }
}
