package io.mobula.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
        try (NamespacedCluster net = NamespacedCluster.start(home, List.of())) {
            NamespacedHosts hosts = net.hosts();
            String headAddress = net.headAddress();
            try (Mobula driver = Mobula.init(headAddress)) {
                List<NodeInfo> cluster = NamespacedCluster.awaitNodes(driver, 3);
                Set<String> addresses = new HashSet<>();
                for (NodeInfo node : cluster) {
                    addresses.add(node.address());
                }
                assertEquals(Set.of(net.address(0), net.address(1), net.address(2)),
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
        }
    }
}
