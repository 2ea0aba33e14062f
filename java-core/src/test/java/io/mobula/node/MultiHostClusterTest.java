package io.mobula.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.mobula.ActorHandle;
import io.mobula.Mobula;
import io.mobula.NodeInfo;
import io.mobula.ObjectRef;
import io.mobula.PlacementGroup;
import io.mobula.PlacementStrategy;
import io.mobula.SchedulingStrategy;
import io.mobula.transport.ClusterSecret;
import io.mobula.worker.JvmCommand;

/**
 * A cluster over a real network: a head and two nodes, each in a network namespace of its own
 * (its own interfaces and addresses, joined by a bridge), joined over Aeron UDP, and a driver in
 * the test's namespace. A task graph spreads over the three hosts with values crossing between
 * them, and an actor on one host takes calls whose arguments were made on the others.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class MultiHostClusterTest {
    @TempDir
    Path home;

    static long[] partialSums(long from, long to) {
        long sum = 0;
        long squares = 0;
        for (long i = from; i < to; i++) {
            sum += i;
            squares += i * i;
        }
        return new long[] {sum, squares, ProcessHandle.current().pid()};
    }

    static long[] combine(long[] a, long[] b) {
        return new long[] {a[0] + b[0], a[1] + b[1], -1};
    }

    static java.nio.ByteBuffer block(int bytes) {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(bytes);
        for (int i = 0; i < bytes; i++) {
            buffer.put(i, (byte) (i * 31));
        }
        return buffer;
    }

    static long checksum(java.nio.ByteBuffer buffer) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(buffer.duplicate());
        return crc.getValue();
    }

    /** A running total kept on one host. */
    static final class Accumulator {
        private long total;

        Accumulator(long start) {
            total = start;
        }

        long add(long[] part) {
            total += part[0];
            return total;
        }
    }

    @Test
    void aTaskGraphAndAnActorSpanThreeHosts() throws Exception {
        String why = NamespacedHosts.unavailableReason();
        assumeTrue(why == null, why);
        String previousHome = System.getProperty("mobula.home");
        List<Process> nodes = new ArrayList<>();
        try (NamespacedHosts hosts = new NamespacedHosts(3)) {
            System.setProperty("mobula.home", home.resolve("driver").toString());
            ClusterSecret secret = ClusterSecret.generate();
            Files.createDirectories(home.resolve("driver"));
            secret.writeTo(new StateDirectory(home.resolve("driver")).secretFile());
            int port = 7000 + (int) (ProcessHandle.current().pid() % 1000);
            String headAddress = hosts.address(0) + ":" + port;
            for (int i = 0; i < 3; i++) {
                Path state = Files.createDirectories(home.resolve("host" + i));
                secret.writeTo(new StateDirectory(state).secretFile());
                List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port), "--state-dir", state.toString(),
                    "--bind", hosts.address(i), "--resources", "{\"CPU\":2}"));
                args.addAll(i == 0 ? List.of("--head") : List.of("--join", headAddress));
                Process node = new ProcessBuilder(hosts.inHost(i, JvmCommand.of(NodeDaemon.class, args)))
                    .redirectErrorStream(true).start();
                nodes.add(node);
                awaitReady(node, hosts.address(i));
            }

            try (Mobula driver = Mobula.init(headAddress)) {
                List<NodeInfo> cluster = awaitNodes(driver, 3);
                Set<String> addresses = new HashSet<>();
                for (NodeInfo node : cluster) {
                    addresses.add(node.address());
                }
                assertEquals(Set.of(hosts.address(0) + ":" + port, hosts.address(1) + ":" + port, hosts.address(2) + ":" + port),
                    addresses);

                // a tree of partial sums spread over the hosts, combined on whichever host gets each step
                int parts = 12;
                long n = 3_000_000;
                List<ObjectRef<long[]>> level = new ArrayList<>();
                for (int p = 0; p < parts; p++) {
                    level.add(driver.task(MultiHostClusterTest::partialSums, n * p / parts, n * (p + 1) / parts)
                        .scheduling(SchedulingStrategy.spread()).remote());
                }
                Set<Long> ranOn = new HashSet<>();
                for (ObjectRef<long[]> part : level) {
                    ranOn.add(part.get()[2]);
                }
                assertEquals(3, ranOn.size(), "the leaves ran on all three hosts");
                while (level.size() > 1) {
                    List<ObjectRef<long[]>> next = new ArrayList<>();
                    for (int i = 0; i + 1 < level.size(); i += 2) {
                        next.add(driver.task(MultiHostClusterTest::combine, level.get(i), level.get(i + 1))
                            .scheduling(SchedulingStrategy.spread()).remote());
                    }
                    if (level.size() % 2 == 1) {
                        next.add(level.get(level.size() - 1));
                    }
                    level = next;
                }
                long[] total = level.get(0).get();
                long expectedSum = n * (n - 1) / 2;
                long expectedSquares = 0;
                for (long i = 0; i < n; i++) {
                    expectedSquares += i * i;
                }
                assertEquals(expectedSum, total[0]);
                assertEquals(expectedSquares, total[1]);

                // an actor on the third host, fed parts made on the others
                NodeInfo third = cluster.stream().filter(node -> node.address().startsWith(hosts.address(2) + ":")).findFirst()
                    .orElseThrow();
                ActorHandle<Accumulator> accumulator = driver.actor(Accumulator::new, 5L)
                    .scheduling(SchedulingStrategy.nodeAffinity(third.id(), false)).remote();
                long expected = 5;
                ObjectRef<Long> last = null;
                for (int p = 0; p < 6; p++) {
                    NodeInfo maker = cluster.get(p % 3);
                    ObjectRef<long[]> part = driver.task(MultiHostClusterTest::partialSums, 0L, (long) (p + 1) * 1000)
                        .scheduling(SchedulingStrategy.nodeAffinity(maker.id(), false)).remote();
                    last = accumulator.task(Accumulator::add, part).remote();
                    long k = (long) (p + 1) * 1000;
                    expected += k * (k - 1) / 2;
                }
                assertEquals(expected, last.get());

                // a 16 MiB result stays on the host that made it; work on another host fetches it from there
                ObjectRef<java.nio.ByteBuffer> made = driver.task(MultiHostClusterTest::block, 16 << 20)
                    .scheduling(SchedulingStrategy.nodeAffinity(cluster.get(0).id(), false)).remote();
                long expectedCrc = checksum(block(16 << 20));
                assertEquals(expectedCrc, driver.task(MultiHostClusterTest::checksum, made)
                    .scheduling(SchedulingStrategy.nodeAffinity(cluster.get(1).id(), false)).remote().get());
                assertEquals(expectedCrc, checksum(made.get()));

                // a placement group strictly spread over the three hosts: a bundle on each, work in each bundle there
                PlacementGroup group = driver.placementGroup(PlacementStrategy.STRICT_SPREAD,
                    List.of(Map.of("CPU", 1.0), Map.of("CPU", 1.0), Map.of("CPU", 1.0)));
                assertTrue(group.waitReady(Duration.ofSeconds(30)));
                assertEquals(3, new HashSet<>(group.bundleNodes()).size(), group.bundleNodes().toString());
                for (int i = 0; i < 3; i++) {
                    String nodeId = group.bundleNodes().get(i);
                    long pid = cluster.stream().filter(node -> node.id().equals(nodeId)).findFirst().orElseThrow().pid();
                    long[] ran = driver.task(MultiHostClusterTest::partialSums, 0L, 10L)
                        .scheduling(SchedulingStrategy.placementGroup(group, i)).remote().get();
                    assertEquals(pid, ran[2], "bundle " + i + "'s work ran on its host");
                }
                driver.removePlacementGroup(group);
            }
        } finally {
            for (Process node : nodes) {
                node.destroy(); // SIGTERM: the node removes its files and leaves
            }
            for (Process node : nodes) {
                if (!node.waitFor(20, TimeUnit.SECONDS)) {
                    node.destroyForcibly();
                }
            }
            if (previousHome == null) {
                System.clearProperty("mobula.home");
            } else {
                System.setProperty("mobula.home", previousHome);
            }
        }
    }

    /** Waits for the node's "ready at" line on its output, which it prints once it serves. */
    static void awaitReady(Process node, String address) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    seen.append(line).append('\n');
                    if (line.contains("ready at " + address)) {
                        return true;
                    }
                }
            } catch (java.io.IOException e) {
                // the node went away
            }
            return false;
        });
        boolean up = ready.get(60, TimeUnit.SECONDS);
        assertTrue(up, "the node at " + address + " did not come up:\n" + seen);
        Thread drain = new Thread(() -> {
            try {
                out.transferTo(java.io.Writer.nullWriter());
            } catch (java.io.IOException e) {
                // gone
            }
        });
        drain.setDaemon(true);
        drain.start();
    }

    static List<NodeInfo> awaitNodes(Mobula driver, int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        List<NodeInfo> nodes = driver.nodes();
        while (System.currentTimeMillis() < deadline) {
            nodes = driver.nodes();
            if (nodes.stream().filter(NodeInfo::alive).count() == count) {
                return nodes;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the cluster did not reach " + count + " nodes: " + nodes);
    }
}
