package io.mobula.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
import io.mobula.cluster.host.NodeRecord;
import io.mobula.cluster.host.StateDirectory;

/**
 * The head dies (SIGKILL) and is started again on its port: its control service reloads its
 * tables from its log, the other node finds it again and rejoins, a named actor living on that
 * node is still found by name through the new head with its state, as is a detached actor whose
 * driver ended before the head died, and a job whose driver is connected to that node goes on
 * throughout — its running task finishes, new ones run. A driver connected to the head itself is
 * served by the new head, which has not heard of its job: the driver registers the job again. A
 * bundle of a placement group the head held is held again by the new head.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HeadRestartTest {
    /** Only the head has a console: a bundle asking for it can only be held by the head. */
    private static final String HEAD_RESOURCES = "{\"CPU\":1,\"console\":1}";

    @TempDir
    Path home;

    /** A count kept by an actor. */
    static final class Counter {
        private long count;

        Counter(long start) {
            count = start;
        }

        long add(long k) {
            count += k;
            return count;
        }
    }

    static long pidAfter(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return ProcessHandle.current().pid();
    }

    @Test
    void theClusterOutlivesItsHead() throws Exception {
        try (TemporaryHead head = TemporaryHead.start(home, HEAD_RESOURCES)) {
            assertEquals(0, Cli.code("start", "--address", head.address(), "--resources", "{\"CPU\":2}"));
            StateDirectory state = new StateDirectory(home);
            NodeRecord worker = state.nodes().stream().filter(node -> !node.head()).findFirst().orElseThrow();
            NodeRecord firstHead = state.nodes().stream().filter(NodeRecord::head).findFirst().orElseThrow();
            // the drivers run a job with a jar of its own: a restarted head has not heard of it
            Path jar = home.resolve("job.jar");
            try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(java.nio.file.Files.newOutputStream(jar))) {
                out.putNextEntry(new java.util.jar.JarEntry("job.txt"));
                out.write("a job's own jar".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            System.setProperty("mobula.job.jars", jar.toString());
            // the drivers that share named actors share a namespace (each would have an anonymous one of its own)
            try (Mobula driver = Mobula.init(worker.address(), "restart"); Mobula atHead = Mobula.init(head.address())) {
                assertEquals(3, atHead.task(HeadRestartTest::add, 1, 2).remote().get());
                NodeInfo node = awaitAlive(driver, 2).stream().filter(n -> n.address().equals(worker.address())).findFirst()
                    .orElseThrow();
                ActorHandle<Counter> keeper = driver.actor(Counter::new, 10L).name("keeper")
                    .scheduling(SchedulingStrategy.nodeAffinity(node.id(), false)).remote();
                assertEquals(11L, keeper.task(Counter::add, 1L).remote().get());
                try (Mobula shortLived = Mobula.init(worker.address(), "restart")) {
                    shortLived.actor(Counter::new, 100L).name("registry").detached().remote().task(Counter::add, 1L).remote().get();
                    shortLived.actor(Counter::new, 0L).name("scratch").remote().task(Counter::add, 1L).remote().get();
                    assertThrows(IllegalArgumentException.class, () -> shortLived.actor(Counter::new, 0L).detached().remote(),
                        "a detached actor needs a name");
                } // its driver gone: the detached actor stays, the other ends with it
                PlacementGroup atTheHead = driver.placementGroup(PlacementStrategy.PACK, List.of(Map.of("console", 1.0)));
                assertTrue(atTheHead.waitReady(java.time.Duration.ofSeconds(20)));
                assertEquals(firstHead.pid(), driver.task(HeadRestartTest::pidAfter, 0L).resources("console", 1)
                    .scheduling(SchedulingStrategy.placementGroup(atTheHead, 0)).remote().get());
                ObjectRef<Long> running = driver.task(HeadRestartTest::pidAfter, 4_000L).remote();

                ProcessHandle killed = ProcessHandle.of(firstHead.pid()).orElseThrow();
                killed.destroyForcibly();
                killed.onExit().get(10, TimeUnit.SECONDS);
                assertEquals(5, driver.task(HeadRestartTest::add, 2, 3).remote().get(), "work goes on without the head");
                Cli.Result restarted = Cli.run("start", "--head", "--port", Integer.toString(head.port()), "--resources",
                    HEAD_RESOURCES, "--dead-after-ms", "2000");
                assertEquals(0, restarted.code(), restarted.output());
                assertEquals(worker.pid(), running.get(), "the task running while the head was away finished");

                try (Mobula other = Mobula.init(head.address(), "restart")) {
                    awaitAlive(other, 2);
                    Thread.sleep(3_000); // past the new head's dead-after time: alive only if it hears the node's beats
                    List<NodeInfo> cluster = awaitAlive(other, 2);
                    assertTrue(cluster.stream().anyMatch(n -> n.id().equals(node.id()) && n.alive()),
                        "the node rejoined the new head under its id: " + cluster);
                    ActorHandle<Counter> found = other.getActor("keeper", Counter.class).orElseThrow();
                    assertEquals(16L, found.task(Counter::add, 5L).remote().get(), "the same actor, its state kept");
                    ActorHandle<Counter> registry = other.getActor("registry", Counter.class).orElseThrow();
                    assertEquals(102L, registry.task(Counter::add, 1L).remote().get(), "the detached actor outlived its driver");
                    awaitUnnamed(other, "scratch"); // an actor that was not detached ended with its driver, and its name with it
                }
                assertEquals(17L, keeper.task(Counter::add, 1L).remote().get());
                // the bundle the head held went with it: the new head holds it again
                long newHead = state.nodes().stream().filter(n -> n.head() && n.alive()).findFirst().orElseThrow().pid();
                assertEquals(newHead, driver.task(HeadRestartTest::pidAfter, 0L).resources("console", 1)
                    .scheduling(SchedulingStrategy.placementGroup(atTheHead, 0)).remote().get(java.time.Duration.ofSeconds(60)));
                awaitServed(atHead); // a driver whose node was the head connects to the new one and registers its job again
                assertNotEquals(firstHead.pid(), state.nodes().stream().filter(n -> n.head() && n.alive()).findFirst()
                    .orElseThrow().pid(), "a new head process");
            } finally {
                System.clearProperty("mobula.job.jars");
            }
        }
    }

    /** Waits until a task through {@code driver} runs (30 s at most); calls before that fail, said clearly. */
    private static void awaitServed(Mobula driver) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            try {
                assertEquals(7, driver.task(HeadRestartTest::add, 3, 4).remote().get(java.time.Duration.ofSeconds(10)));
                return;
            } catch (io.mobula.MobulaException e) {
                assertTrue(System.currentTimeMillis() < deadline, "the driver was not served again within 30 s: " + e);
                Thread.sleep(200);
            }
        }
    }

    /** Waits until no actor has {@code name} (the head hears of a death once the node can reach it). */
    private static void awaitUnnamed(Mobula driver, String name) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (driver.getActor(name, Counter.class).isPresent()) {
            assertTrue(System.currentTimeMillis() < deadline, "actor '" + name + "' is still named 20 s after its driver ended");
            Thread.sleep(200);
        }
    }

    static int add(int a, int b) {
        return a + b;
    }

    private static List<NodeInfo> awaitAlive(Mobula driver, int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        List<NodeInfo> nodes = List.of();
        while (System.currentTimeMillis() < deadline) {
            try {
                nodes = driver.nodes();
                if (nodes.stream().filter(NodeInfo::alive).count() == count) {
                    return nodes;
                }
            } catch (io.mobula.MobulaException e) {
                // the node asked is still finding the head
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the cluster did not reach " + count + " live nodes: " + nodes);
    }
}
