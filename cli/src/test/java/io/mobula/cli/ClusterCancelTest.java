package io.mobula.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.mobula.ActorHandle;
import io.mobula.Mobula;
import io.mobula.NodeInfo;
import io.mobula.ObjectRef;
import io.mobula.SchedulingStrategy;
import io.mobula.TaskCancelledException;

/**
 * Cancels from a connected driver reach the node that runs the work, each node a process of its
 * own: a running task is interrupted there, a queued one never runs, one the head placed on another
 * node is reached there, a forced cancel kills an isolated task's worker process, an actor call is
 * interrupted; each time the node's resources come back. The work leaves files (started with its
 * pid, interrupted, ran) that show what happened on the node.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterCancelTest {
    private static final long WAIT_MS = 30_000;

    @TempDir
    static Path home;
    @TempDir
    static Path marks;
    private static TemporaryHead head;

    @BeforeAll
    static void startAHeadAndANode() {
        head = TemporaryHead.start(home, "{\"CPU\":1}");
        assertEquals(0, Cli.code("start", "--address", head.address(), "--resources", "{\"CPU\":2,\"camera\":1}"));
    }

    @AfterAll
    static void stopThem() {
        head.close(); // stops every node this home started
    }

    // ---- what runs on the nodes ----

    /** Marks {@code marker.started} with its process's pid, then sleeps; marks {@code marker.interrupted} if interrupted. */
    static int sleepNotingInterrupt(String marker) throws IOException {
        mark(marker + ".started", Long.toString(ProcessHandle.current().pid()));
        try {
            Thread.sleep(TimeUnit.MINUTES.toMillis(10));
        } catch (InterruptedException e) {
            mark(marker + ".interrupted", "");
            return -2;
        }
        return -1;
    }

    /** Holds its resources until {@code release} exists. */
    static int holdUntil(String release) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 2 * WAIT_MS;
        while (!Files.exists(Path.of(release)) && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        return 1;
    }

    static int markRan(String marker) throws IOException {
        mark(marker + ".ran", "");
        return 1;
    }

    /**
     * Marks {@code marker.started}, then waits for {@code marker.release}: marks {@code marker.ran}
     * when it comes, or {@code marker.interrupted} if interrupted first.
     */
    static int holdNotingInterrupt(String marker) throws IOException {
        mark(marker + ".started", Long.toString(ProcessHandle.current().pid()));
        try {
            holdUntil(marker + ".release");
        } catch (InterruptedException e) {
            mark(marker + ".interrupted", "");
            return -2;
        }
        mark(marker + ".ran", "");
        return 1;
    }

    /** On its node: submits a child there (it runs on the CPU this one lends while it waits) and waits for it. */
    static int parentOnTheNode(String childMarker) {
        return Mobula.current().task(ClusterCancelTest::holdNotingInterrupt, childMarker).remote().get();
    }

    private static void mark(String path, String text) throws IOException {
        Path tmp = Path.of(path + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, Path.of(path));
    }

    /** An actor on a node whose calls say whether they were interrupted. */
    static final class Sleeper {
        Sleeper() {
        }

        int nap(String marker) throws IOException {
            return sleepNotingInterrupt(marker);
        }
    }

    // ---- the tests ----

    @Test
    void aRunningTaskIsInterruptedOnItsNodeAndItsCpuComesBack() throws Exception {
        try (Mobula driver = Mobula.init(head.address())) {
            NodeInfo headNode = headOf(driver);
            String marker = marks.resolve("running").toString();
            ObjectRef<Integer> running = driver.task(ClusterCancelTest::sleepNotingInterrupt, marker)
                .scheduling(SchedulingStrategy.nodeAffinity(headNode.id(), false)).remote();
            assertEquals(headNode.pid(), Long.parseLong(awaitFile(marker + ".started")), "it runs in the head's process");
            awaitCpu(driver, headNode.id(), 0.0);

            assertTrue(driver.cancel(running));
            assertThrows(TaskCancelledException.class, running::get);
            awaitFile(marker + ".interrupted");
            awaitCpu(driver, headNode.id(), 1.0);
        }
    }

    @Test
    void aTaskQueuedOnItsNodeNeverRunsAndTakesNothing() throws Exception {
        try (Mobula driver = Mobula.init(head.address())) {
            NodeInfo headNode = headOf(driver);
            SchedulingStrategy onHead = SchedulingStrategy.nodeAffinity(headNode.id(), false);
            String release = marks.resolve("release-queued").toString();
            ObjectRef<Integer> holder = driver.task(ClusterCancelTest::holdUntil, release).scheduling(onHead).remote();
            awaitCpu(driver, headNode.id(), 0.0);
            String marker = marks.resolve("queued").toString();
            ObjectRef<Integer> queued = driver.task(ClusterCancelTest::markRan, marker).scheduling(onHead).remote();

            assertTrue(driver.cancel(queued));
            assertThrows(TaskCancelledException.class, queued::get);
            mark(release, "");
            assertEquals(1, holder.get());
            // a task behind it on the same node: it runs once the CPU is free, after where the cancelled one stood
            String after = marks.resolve("after-queued").toString();
            assertEquals(1, driver.task(ClusterCancelTest::markRan, after).scheduling(onHead).remote().get());
            assertFalse(Files.exists(Path.of(marker + ".ran")), "the cancelled task never ran on the node");
            awaitCpu(driver, headNode.id(), 1.0);
        }
    }

    @Test
    void aRecursiveCancelReachesTheTasksItSubmittedOnItsNode() throws Exception {
        try (Mobula driver = Mobula.init(head.address())) {
            NodeInfo headNode = headOf(driver);
            String child = marks.resolve("child-recursive").toString();
            ObjectRef<Integer> parent = driver.task(ClusterCancelTest::parentOnTheNode, child)
                .scheduling(SchedulingStrategy.nodeAffinity(headNode.id(), false)).remote();
            assertEquals(headNode.pid(), Long.parseLong(awaitFile(child + ".started")), "the child runs on the head");

            assertTrue(driver.cancel(parent)); // recursive by default
            assertThrows(TaskCancelledException.class, parent::get);
            awaitFile(child + ".interrupted");
            awaitCpu(driver, headNode.id(), 1.0);
        }
    }

    @Test
    void aCancelThatIsNotRecursiveLeavesTheTasksItSubmittedRunning() throws Exception {
        try (Mobula driver = Mobula.init(head.address())) {
            NodeInfo headNode = headOf(driver);
            String child = marks.resolve("child-kept").toString();
            ObjectRef<Integer> parent = driver.task(ClusterCancelTest::parentOnTheNode, child)
                .scheduling(SchedulingStrategy.nodeAffinity(headNode.id(), false)).remote();
            awaitFile(child + ".started");

            assertTrue(driver.cancel(parent, false, false));
            assertThrows(TaskCancelledException.class, parent::get);
            mark(child + ".release", "");
            awaitFile(child + ".ran");
            assertFalse(Files.exists(Path.of(child + ".interrupted")), "the child was left to run");
            awaitCpu(driver, headNode.id(), 1.0);
        }
    }

    @Test
    void aTaskTheHeadPlacedOnAnotherNodeIsCancelledThere() throws Exception {
        try (Mobula driver = Mobula.init(head.address())) {
            NodeInfo camera = awaitCameraNode(driver);
            String marker = marks.resolve("placed").toString();
            // sent to the head, which passes it on to the camera node
            ObjectRef<Integer> elsewhere = driver.task(ClusterCancelTest::sleepNotingInterrupt, marker)
                .resources(Map.of("CPU", 2.0)).scheduling(SchedulingStrategy.nodeAffinity(camera.id(), false)).remote();
            assertEquals(camera.pid(), Long.parseLong(awaitFile(marker + ".started")), "it runs in the camera node's process");
            awaitCpu(driver, camera.id(), 0.0);

            assertTrue(driver.cancel(elsewhere));
            assertThrows(TaskCancelledException.class, elsewhere::get);
            awaitFile(marker + ".interrupted");
            awaitCpu(driver, camera.id(), 2.0);
        }
    }

    @Test
    void aForcedCancelKillsTheWorkerProcessOfAnIsolatedTaskOnItsNode() throws Exception {
        try (Mobula driver = Mobula.init(head.address())) {
            NodeInfo camera = awaitCameraNode(driver);
            String marker = marks.resolve("isolated").toString();
            ObjectRef<Integer> isolated = driver.task(ClusterCancelTest::sleepNotingInterrupt, marker)
                .resources(Map.of("CPU", 2.0)).scheduling(SchedulingStrategy.nodeAffinity(camera.id(), false)).isolated().remote();
            long worker = Long.parseLong(awaitFile(marker + ".started"));
            assertNotEquals(camera.pid(), worker, "it runs in a worker process of the node");
            awaitCpu(driver, camera.id(), 0.0);

            assertTrue(driver.cancel(isolated, true, true));
            assertThrows(TaskCancelledException.class, isolated::get);
            ProcessHandle.of(worker).ifPresent(p -> p.onExit().orTimeout(WAIT_MS, TimeUnit.MILLISECONDS).join());
            assertFalse(Files.exists(Path.of(marker + ".interrupted")), "killed, not interrupted");
            awaitCpu(driver, camera.id(), 2.0);
        }
    }

    @Test
    void anActorCallOnItsNodeIsInterruptedAndForceIsRefused() throws Exception {
        try (Mobula driver = Mobula.init(head.address())) {
            ActorHandle<Sleeper> sleeper = driver.actor(Sleeper::new).remote();
            String marker = marks.resolve("actor").toString();
            ObjectRef<Integer> napping = sleeper.task(Sleeper::nap, marker).remote();
            awaitFile(marker + ".started");

            assertThrows(IllegalArgumentException.class, () -> driver.cancel(napping, true, true));
            assertTrue(driver.cancel(napping));
            assertThrows(TaskCancelledException.class, napping::get);
            awaitFile(marker + ".interrupted");
            String again = marks.resolve("actor-again").toString();
            ObjectRef<Integer> next = sleeper.task(Sleeper::nap, again).remote();
            awaitFile(again + ".started"); // the actor lives on and takes calls
            assertTrue(driver.cancel(next));
            awaitFile(again + ".interrupted");
        }
    }

    // ---- waiting, with deadlines ----

    private static NodeInfo headOf(Mobula driver) {
        return driver.nodes().stream().filter(NodeInfo::head).findFirst().orElseThrow();
    }

    private static NodeInfo awaitCameraNode(Mobula driver) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (System.currentTimeMillis() < deadline) {
            for (NodeInfo node : driver.nodes()) {
                if (node.alive() && node.totalResources().getOrDefault("camera", 0.0) > 0) {
                    return node;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the second node never joined: " + driver.nodes());
    }

    /** The file's text once it exists. */
    private static String awaitFile(String path) throws Exception {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (!Files.exists(Path.of(path))) {
            assertTrue(System.currentTimeMillis() < deadline, path + " never appeared");
            Thread.sleep(10);
        }
        return Files.readString(Path.of(path));
    }

    /** Waits until the node reports {@code cpus} CPUs free (a node's report is about a second old). */
    private static void awaitCpu(Mobula driver, String nodeId, double cpus) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        List<NodeInfo> last = List.of();
        while (System.currentTimeMillis() < deadline) {
            last = driver.nodes();
            for (NodeInfo node : last) {
                if (node.id().equals(nodeId) && node.availableResources().getOrDefault("CPU", -1.0) == cpus) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("node " + nodeId + " never had " + cpus + " CPU free: " + last);
    }
}
