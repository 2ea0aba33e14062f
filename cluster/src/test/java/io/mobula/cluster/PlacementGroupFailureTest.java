package io.mobula.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.mobula.Mobula;
import io.mobula.NodeInfo;
import io.mobula.PlacementGroup;
import io.mobula.PlacementStrategy;
import io.mobula.SchedulingStrategy;

/**
 * A node holding a bundle of a placement group dies (SIGKILL), on a real network (a head and two
 * nodes in network namespaces): the head places that bundle again on a node alive (strictly spread:
 * not beside the bundle that stayed), the other bundle staying where it is, and work for the group
 * runs again, in the bundle's new place.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PlacementGroupFailureTest {
    private static final long DEAD_AFTER_MS = 2000;

    @TempDir
    Path home;

    static long pid() {
        return ProcessHandle.current().pid();
    }

    @Test
    void aBundleLostWithItsNodeIsPlacedAgainElsewhere() throws Exception {
        String why = NamespacedHosts.unavailableReason();
        assumeTrue(why == null, why);
        try (NamespacedCluster net = NamespacedCluster.start(home, List.of("--dead-after-ms", Long.toString(DEAD_AFTER_MS)))) {
            try (Mobula driver = Mobula.init(net.headAddress())) {
                List<NodeInfo> cluster = NamespacedCluster.awaitNodes(driver, 3);
                NodeInfo head = cluster.stream().filter(NodeInfo::head).findFirst().orElseThrow();
                PlacementGroup group = driver.placementGroup(PlacementStrategy.STRICT_SPREAD,
                    List.of(Map.of("CPU", 1.0), Map.of("CPU", 1.0)));
                assertTrue(group.waitReady(Duration.ofSeconds(20)));
                List<String> before = group.bundleNodes();
                int lostIndex = before.get(0).equals(head.id()) ? 1 : 0; // a bundle not on the head
                NodeInfo doomed = cluster.stream().filter(n -> n.id().equals(before.get(lostIndex))).findFirst().orElseThrow();
                int doomedHost = doomed.address().equals(net.address(1)) ? 1 : 2;
                assertEquals(doomed.pid(), driver.task(PlacementGroupFailureTest::pid)
                    .scheduling(SchedulingStrategy.placementGroup(group, lostIndex)).remote().get());

                net.kill(doomedHost);
                List<String> after = awaitPlacedElsewhere(group, lostIndex, doomed.id());
                assertEquals(before.get(1 - lostIndex), after.get(1 - lostIndex), "the other bundle stayed");
                assertEquals(2, new HashSet<>(after).size(), "still strictly spread");
                NodeInfo now = driver.nodes().stream().filter(n -> n.id().equals(after.get(lostIndex))).findFirst()
                    .orElseThrow();
                assertTrue(now.alive());
                assertEquals(now.pid(), driver.task(PlacementGroupFailureTest::pid)
                    .scheduling(SchedulingStrategy.placementGroup(group, lostIndex)).remote().get(), "work runs in its new place");
                driver.removePlacementGroup(group);
            }
        }
    }

    /** The group's places once bundle {@code index} is off {@code deadNode} (30 s at most). */
    private static List<String> awaitPlacedElsewhere(PlacementGroup group, int index, String deadNode) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                List<String> places = group.bundleNodes();
                if (!places.get(index).equals(deadNode)) {
                    return places;
                }
            } catch (IllegalStateException notPlaced) {
                group.waitReady(Duration.ofSeconds(1)); // being placed again
            }
            Thread.sleep(100);
        }
        throw new AssertionError("bundle " + index + " was not placed again off node " + deadNode);
    }
}
