package io.mobula.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.mobula.ActorDiedException;
import io.mobula.ActorHandle;
import io.mobula.InfeasibleResourcesException;
import io.mobula.Mobula;
import io.mobula.NodeInfo;
import io.mobula.ObjectRef;
import io.mobula.PlacementGroup;
import io.mobula.PlacementStrategy;
import io.mobula.SchedulingStrategy;

/**
 * A head and a second node, each a process of its own, and a driver in this JVM connected to the
 * head: work lands where its resources and strategy say, spills back when the head is busy, and
 * actors live on the node chosen for them.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterSchedulingTest {
    @TempDir
    Path home;
    private TemporaryHead head;
    private String headAddress;

    static long pid() {
        return ProcessHandle.current().pid();
    }

    static long pidAfter(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return ProcessHandle.current().pid();
    }

    static int add(int a, int b) {
        return a + b;
    }

    /** An actor with state, to show its calls run in order in one place. */
    static final class Tally {
        private final List<Integer> seen = new ArrayList<>();

        Tally(String unused) {
        }

        List<Integer> record(int value) {
            seen.add(value);
            return List.copyOf(seen);
        }

        long where() {
            return ProcessHandle.current().pid();
        }
    }

    @BeforeEach
    void startAHeadAndANode() {
        head = TemporaryHead.start(home, "{\"CPU\":1}");
        headAddress = head.address();
        assertEquals(0, Cli.code("start", "--address", headAddress, "--resources", "{\"CPU\":2,\"camera\":1}"));
    }

    @AfterEach
    void stopThem() {
        head.close(); // stops every node this home started
    }

    /** The node with {@code camera}, once the head has heard of it. */
    private static NodeInfo awaitCameraNode(Mobula driver) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            for (NodeInfo node : driver.nodes()) {
                if (node.alive() && node.totalResources().getOrDefault("camera", 0.0) > 0) {
                    return node;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the second node never joined: " + driver.nodes());
    }

    @Test
    void workLandsWhereItsResourcesAndStrategySay() throws Exception {
        try (Mobula driver = Mobula.init(headAddress)) {
            NodeInfo camera = awaitCameraNode(driver);
            NodeInfo head = driver.nodes().stream().filter(NodeInfo::head).findFirst().orElseThrow();
            assertEquals(2, driver.nodes().size(), driver.nodes().toString());
            assertNotEquals(head.pid(), camera.pid());

            // a resource only the second node has: spilled there
            assertEquals(camera.pid(), driver.task(ClusterSchedulingTest::pid).resources(Map.of("camera", 1.0)).remote().get());
            // plain tasks on an idle head stay there
            assertEquals(head.pid(), driver.task(ClusterSchedulingTest::pid).remote().get());

            // spread: across both nodes
            Set<Long> pids = new HashSet<>();
            for (int i = 0; i < 6; i++) {
                pids.add(driver.task(ClusterSchedulingTest::pid).scheduling(SchedulingStrategy.spread()).remote().get());
            }
            assertEquals(Set.of(head.pid(), camera.pid()), pids);

            // node affinity: hard goes there; to a node that does not exist, hard fails and soft runs anyway
            assertEquals(camera.pid(), driver.task(ClusterSchedulingTest::pid)
                .scheduling(SchedulingStrategy.nodeAffinity(camera.id(), false)).remote().get());
            InfeasibleResourcesException nowhere = assertThrows(InfeasibleResourcesException.class, () -> driver
                .task(ClusterSchedulingTest::pid).scheduling(SchedulingStrategy.nodeAffinity("00000000deadbeef", false))
                .remote().get());
            assertTrue(nowhere.getMessage().contains("deadbeef"), nowhere.getMessage());
            assertTrue(driver.task(ClusterSchedulingTest::pid).scheduling(SchedulingStrategy.nodeAffinity("00000000deadbeef", true))
                .remote().get() > 0);

            // more than any node has: a clear error, and the cluster goes on
            InfeasibleResourcesException tooMuch = assertThrows(InfeasibleResourcesException.class,
                () -> driver.task(ClusterSchedulingTest::pid).resources(Map.of("CPU", 16.0)).remote().get());
            assertTrue(tooMuch.getMessage().contains("no node of the cluster could ever run it"), tooMuch.getMessage());

            // the head's one CPU busy: the next task spills back to the node with free CPUs
            ObjectRef<Long> busy = driver.task(ClusterSchedulingTest::pidAfter, 3000L)
                .scheduling(SchedulingStrategy.nodeAffinity(head.id(), false)).remote();
            Thread.sleep(300); // it has started on the head
            assertEquals(camera.pid(), driver.task(ClusterSchedulingTest::pid).remote().get());
            assertEquals(head.pid(), busy.get());

            // isolated: in a worker process of the node chosen, not in the node itself
            long worker = driver.task(ClusterSchedulingTest::pid).resources(Map.of("camera", 1.0)).isolated().remote().get();
            assertNotEquals(camera.pid(), worker);
            assertEquals(camera.pid(), ProcessHandle.of(worker).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L),
                "the worker process is the camera node's");

            // refs between tasks on different nodes: the driver owns them and passes their values on
            ObjectRef<Integer> onHead = driver.task(ClusterSchedulingTest::add, 20, 1)
                .scheduling(SchedulingStrategy.nodeAffinity(head.id(), false)).remote();
            ObjectRef<Integer> onCamera = driver.task(ClusterSchedulingTest::add, onHead, 21)
                .scheduling(SchedulingStrategy.nodeAffinity(camera.id(), false)).remote();
            assertEquals(42, onCamera.get());
        }
    }

    @Test
    void actorsLiveOnTheNodeChosenForThemAndKeepTheirCallsInOrder() throws Exception {
        try (Mobula driver = Mobula.init(headAddress, "scheduling")) { // shares a named actor with another driver
            NodeInfo camera = awaitCameraNode(driver);
            ActorHandle<Tally> tally = driver.actor(Tally::new, "x").resources(Map.of("camera", 1.0)).remote();
            assertEquals(camera.pid(), tally.task(Tally::where).remote().get());
            List<ObjectRef<List<Integer>>> calls = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                calls.add(tally.task(Tally::record, i).remote());
            }
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                expected.add(i);
            }
            assertEquals(expected, calls.get(49).get());
            long seen = System.currentTimeMillis() + 10_000; // the head hears of it with the node's next heartbeat
            while (activityOf(camera.id()) != 1 && System.currentTimeMillis() < seen) {
                Thread.sleep(100);
            }
            assertEquals(1, activityOf(camera.id()), "status counts the actor on its node");

            // named: another driver finds it through the head's directory and shares its state
            ActorHandle<Tally> named = driver.actor(Tally::new, "n").name("tally").remote();
            named.task(Tally::record, 7).remote().get();
            try (Mobula other = Mobula.init(headAddress, "scheduling"); Mobula elsewhere = Mobula.init(headAddress)) {
                assertTrue(elsewhere.getActor("tally").isEmpty(), "another namespace's names are not this driver's");
                assertTrue(elsewhere.getActor("tally", "scheduling").isPresent(), "found when its namespace is named");
                ActorHandle<Tally> found = other.getActor("tally", Tally.class).orElseThrow();
                assertEquals(List.of(7, 8), found.task(Tally::record, 8).remote().get());
                assertThrows(io.mobula.ActorNameTakenException.class, () -> other.actor(Tally::new, "z").name("tally").remote());
                assertTrue(other.getActor("nobody").isEmpty());
                other.kill(found);
            }
            assertThrows(ActorDiedException.class, () -> named.task(Tally::where).remote().get());
            long freed = System.currentTimeMillis() + 10_000;
            ActorHandle<Tally> again = null;
            while (again == null && System.currentTimeMillis() < freed) {
                try {
                    again = driver.actor(Tally::new, "m").name("tally2").remote();
                } catch (io.mobula.ActorNameTakenException e) {
                    Thread.sleep(50);
                }
            }
            assertTrue(again != null);

            driver.kill(tally);
            assertThrows(ActorDiedException.class, () -> tally.task(Tally::where).remote().get());
            // its camera is free again: a second actor can hold it
            long deadline = System.currentTimeMillis() + 10_000;
            ActorHandle<Tally> next = driver.actor(Tally::new, "y").resources(Map.of("camera", 1.0)).remote();
            assertEquals(camera.pid(), next.task(Tally::where).remote().get(deadline - System.currentTimeMillis() > 0
                ? java.time.Duration.ofMillis(deadline - System.currentTimeMillis()) : java.time.Duration.ofSeconds(1)));
        }
    }

    @Test
    void placementGroupsReserveBundlesAcrossNodesAllOrNothing() throws Exception {
        try (Mobula driver = Mobula.init(headAddress)) {
            NodeInfo camera = awaitCameraNode(driver);
            NodeInfo head = driver.nodes().stream().filter(NodeInfo::head).findFirst().orElseThrow();

            PlacementGroup spread = driver.placementGroup(PlacementStrategy.STRICT_SPREAD,
                List.of(Map.of("CPU", 1.0), Map.of("CPU", 1.0)));
            assertTrue(spread.waitReady(java.time.Duration.ofSeconds(20)));
            List<String> nodes = spread.bundleNodes();
            assertEquals(Set.of(head.id(), camera.id()), new HashSet<>(nodes), "one bundle on each node");
            for (int i = 0; i < 2; i++) {
                long expected = nodes.get(i).equals(head.id()) ? head.pid() : camera.pid();
                assertEquals(expected, driver.task(ClusterSchedulingTest::pid)
                    .scheduling(SchedulingStrategy.placementGroup(spread, i)).remote().get());
            }
            // the head's one CPU is the bundle's now: a plain task spills to the node with free CPUs
            awaitAvailable(driver, head.id(), 0.0);
            assertEquals(camera.pid(), driver.task(ClusterSchedulingTest::pid).remote().get());

            // all on one node: only the camera node has a camera and, with one CPU of its two held, room for one more
            PlacementGroup pack = driver.placementGroup(PlacementStrategy.STRICT_PACK,
                List.of(Map.of("CPU", 1.0), Map.of("camera", 1.0)));
            assertTrue(pack.waitReady(java.time.Duration.ofSeconds(20)));
            assertEquals(List.of(camera.id(), camera.id()), pack.bundleNodes());

            // more bundles than nodes, strictly spread: could never be placed
            assertThrows(InfeasibleResourcesException.class, () -> driver.placementGroup(PlacementStrategy.STRICT_SPREAD,
                List.of(Map.of("CPU", 1.0), Map.of("CPU", 1.0), Map.of("CPU", 1.0))));

            // fits the cluster, not now: waits; removing the others lets it in, all at once
            PlacementGroup later = driver.placementGroup(PlacementStrategy.STRICT_SPREAD,
                List.of(Map.of("CPU", 1.0), Map.of("CPU", 1.0)));
            assertTrue(!later.waitReady(java.time.Duration.ofMillis(1500)), "the head's CPU is held by the first group");
            driver.removePlacementGroup(spread);
            driver.removePlacementGroup(pack);
            assertTrue(later.waitReady(java.time.Duration.ofSeconds(20)));
            driver.removePlacementGroup(later);
        }
    }

    /** The actors {@code mobula status --json} counts on a node. */
    private static int activityOf(String nodeId) {
        String json = Cli.run("status", "--json").output();
        java.util.regex.Matcher node = java.util.regex.Pattern.compile("\\{\"id\": \"" + nodeId + "\".*?\"actors\": (\\d+)")
            .matcher(json);
        if (!node.find()) {
            throw new AssertionError("node " + nodeId + " is not in the status: " + json);
        }
        return Integer.parseInt(node.group(1));
    }

    private static void awaitAvailable(Mobula driver, String nodeId, double cpus) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            for (NodeInfo node : driver.nodes()) {
                if (node.id().equals(nodeId) && node.availableResources().getOrDefault("CPU", -1.0) == cpus) {
                    return;
                }
            }
            Thread.sleep(50);
        }
    }
}
