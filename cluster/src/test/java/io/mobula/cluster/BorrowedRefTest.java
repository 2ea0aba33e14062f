package io.mobula.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.mobula.ActorHandle;
import io.mobula.Mobula;
import io.mobula.NodeInfo;
import io.mobula.ObjectRef;
import io.mobula.OwnerDiedException;
import io.mobula.SchedulingStrategy;
import io.mobula.cluster.NamespacedCluster;
import io.mobula.cluster.NamespacedHosts;
import io.mobula.cluster.host.StateDirectory;
import io.mobula.cluster.membership.ClusterView;
import io.mobula.cluster.wire.NodeStatus;
import io.mobula.cluster.wire.PeerSessions;

/**
 * Refs nested inside values cross between processes, on a real network (a head and two nodes in
 * network namespaces, a driver in the test's): a node's work lends the refs it made or put in the
 * values it returns; the driver borrows them, reads them, and passes them on to work on another
 * node; the driver lends its own refs nested in arguments, ready or not. When an owner dies, those
 * who borrowed its objects get {@link OwnerDiedException} naming the object and the owner: a node
 * killed (SIGKILL) while a driver holds refs it lent, one of them still being made; a driver gone
 * while a detached actor holds a ref it lent.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BorrowedRefTest {
    private static final long DEAD_AFTER_MS = 2000;
    private static final int LARGE = 2 << 20;

    @TempDir
    Path home;

    /** Work on a node that makes refs of its own: a small put, a large put, a nested task's result. */
    static List<ObjectRef<Object>> makeRefs(String text) {
        Mobula here = Mobula.current();
        List<ObjectRef<Object>> refs = new ArrayList<>();
        refs.add(here.put(text));
        refs.add(here.put(ByteBuffer.allocate(LARGE).putInt(0, text.length())));
        refs.add(here.task(BorrowedRefTest::shout, text).remote());
        return refs;
    }

    /** A result too large to travel inside the answer, with a ref of the node's nested in it. */
    static Object[] largeWithRef(String text) {
        return new Object[] {new byte[300_000], Mobula.current().put(text)};
    }

    /** Passes refs it borrowed straight on, before they are ready. */
    static List<ObjectRef<Object>> passOn(List<ObjectRef<Object>> refs) {
        return refs;
    }

    static Object shout(String text) {
        return text.toUpperCase();
    }

    /** Reads refs it borrowed (wherever they were lent from) and says what they hold. */
    static String describe(List<ObjectRef<Object>> refs) {
        StringBuilder seen = new StringBuilder();
        for (ObjectRef<Object> ref : refs) {
            Object value = ref.get();
            seen.append(value instanceof ByteBuffer buffer
                ? "buffer:" + buffer.remaining() + ":" + buffer.duplicate().order(java.nio.ByteOrder.BIG_ENDIAN).getInt(0)
                : String.valueOf(value)).append(';');
        }
        return seen.toString();
    }

    static Object shoutSlowly(String text) throws InterruptedException {
        Thread.sleep(1500);
        return text + "!";
    }

    /** Keeps refs made where it lives and lends them; holds refs lent to it. */
    static final class Keeper {
        private List<ObjectRef<Object>> held = List.of();

        List<ObjectRef<Object>> lend(String text) {
            return makeRefs(text);
        }

        /** A ref to a value still being made when it is lent. */
        List<ObjectRef<Object>> lendPending(long millis) {
            return List.of(Mobula.current().task(BorrowedRefTest::sleepThenSay, millis).remote());
        }

        boolean hold(List<ObjectRef<Object>> refs) {
            held = refs;
            return true;
        }

        String readHeld() {
            try {
                return describe(held);
            } catch (OwnerDiedException e) {
                return "owner died: " + e.getMessage();
            }
        }
    }

    static Object sleepThenSay(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return "done";
    }

    @Test
    void refsNestedInValuesCrossBetweenProcessesAndTheirOwnersDeathsAreSaid() throws Exception {
        String why = NamespacedHosts.unavailableReason();
        assumeTrue(why == null, why);
        try (NamespacedCluster net = NamespacedCluster.start(home, List.of("--dead-after-ms", Long.toString(DEAD_AFTER_MS)))) {
            try (Mobula driver = Mobula.init(net.headAddress())) {
                List<NodeInfo> cluster = NamespacedCluster.awaitNodes(driver, 3);
                SchedulingStrategy onOne = SchedulingStrategy.nodeAffinity(onHost(cluster, net.address(1)).id(), false);
                NodeInfo doomed = onHost(cluster, net.address(2));
                SchedulingStrategy onTwo = SchedulingStrategy.nodeAffinity(doomed.id(), false);
                String expected = "mobula;buffer:" + LARGE + ":6;MOBULA;";

                // a node lends: the driver borrows what a task on host 1 made there, and reads it
                List<ObjectRef<Object>> lent = driver.task(BorrowedRefTest::makeRefs, "mobula").scheduling(onOne).remote().get();
                assertEquals(3, lent.size());
                assertEquals(3, driver.wait(lent, 3, java.time.Duration.ofSeconds(30)).ready().size());
                assertEquals(expected, describe(lent));
                // a large result with a ref inside: it comes back written anew, its ref lent, not left in the node's store
                Object[] large = driver.task(BorrowedRefTest::largeWithRef, "inside").scheduling(onOne).remote().get();
                assertEquals(300_000, ((byte[]) large[0]).length);
                assertEquals("inside", ((ObjectRef<?>) large[1]).get());
                large = null;
                // the driver passes what it borrowed on, nested, to work on host 2, which borrows it from host 1
                assertEquals(expected, driver.task(BorrowedRefTest::describe, lent).scheduling(onTwo).remote().get());
                // and back to host 1, where they are its own again
                assertEquals(expected, driver.task(BorrowedRefTest::describe, lent).scheduling(onOne).remote().get());

                // the driver lends: its put (small and large) and a result not ready yet, nested in an argument
                List<ObjectRef<Object>> own = List.of(driver.<Object>put("driver"),
                    driver.<Object>put(ByteBuffer.allocate(LARGE).putInt(0, 7)), driver.task(BorrowedRefTest::shoutSlowly, "late")
                    .remote());
                assertEquals("driver;buffer:" + LARGE + ":7;late!;",
                    driver.task(BorrowedRefTest::describe, own).scheduling(onTwo).remote().get());

                // every borrower lets go (collected, here and on the nodes): nothing stays lent
                assertTrue(lentCounts(net.headAddress()).values().stream().anyMatch(n -> !n.equals("0")));
                lent = null;
                own = null;
                awaitNothingLent(driver, net.headAddress(), cluster);

                // an owner dies: an actor on host 2 lent refs (one still being made); its node is killed
                ActorHandle<Keeper> keeper = driver.actor(Keeper::new).scheduling(onTwo).remote();
                // the keeper on host 2 borrows, and holds, refs host 1 lent
                assertTrue(keeper.task(Keeper::hold, driver.task(BorrowedRefTest::makeRefs, "held").scheduling(onOne).remote()
                    .get()).remote().get());
                List<ObjectRef<Object>> fromKeeper = keeper.task(Keeper::lend, "kept").remote().get();
                assertEquals("kept;buffer:" + LARGE + ":4;KEPT;", describe(fromKeeper));
                List<ObjectRef<Object>> pending = keeper.task(Keeper::lendPending, 60_000L).remote().get();
                assertEquals(List.of(), driver.wait(pending, 1, java.time.Duration.ofMillis(300)).ready(),
                    "a borrowed ref is ready when its owner's value is");
                // passed on by host 1 before it is ready: still borrowed from host 2, not lent as host 1's own
                List<ObjectRef<Object>> passedOn = driver.task(BorrowedRefTest::passOn, pending).scheduling(onOne).remote().get();
                assertEquals(pending.getFirst().id(), passedOn.getFirst().id());
                java.util.concurrent.CompletableFuture<Throwable> waiting = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> assertThrows(OwnerDiedException.class, () -> pending.getFirst().get()));
                Thread.sleep(500); // the read is waiting at the owner
                net.kill(2);
                OwnerDiedException died = assertThrows(OwnerDiedException.class, () -> fromKeeper.getFirst().get());
                assertTrue(died.getMessage().contains(fromKeeper.getFirst().id())
                    && died.getMessage().contains(doomed.id()), died.getMessage());
                Throwable waited = waiting.get(30, TimeUnit.SECONDS);
                assertTrue(waited.getMessage().contains(pending.getFirst().id()), waited.getMessage());
                assertThrows(OwnerDiedException.class, () -> fromKeeper.get(1).get()); // the large one, kept in its store
                OwnerDiedException viaHostOne = assertThrows(OwnerDiedException.class, () -> passedOn.getFirst().get());
                assertTrue(viaHostOne.getMessage().contains(doomed.id()), viaHostOne.getMessage());
                // a borrowed ref whose owner is gone passed on to work: the work fails, and says why
                RuntimeException failed = assertThrows(RuntimeException.class,
                    () -> driver.task(BorrowedRefTest::describe, fromKeeper).scheduling(onOne).remote().get());
                assertTrue(io.mobula.TaskException.raised(failed, OwnerDiedException.class), failed.toString());

                // a borrower that died let go with its process: what host 1 lent the keeper is free again
                awaitNothingLent(driver, net.headAddress(),
                    cluster.stream().filter(n -> !n.id().equals(doomed.id())).toList());
            }
        }
    }

    /**
     * A driver in a process of its own: it makes a detached actor named "keeper" hold a ref it put,
     * prints "lent", and waits to be killed.
     */
    public static final class LendingDriver {
        public static void main(String[] args) throws Exception {
            Mobula driver = Mobula.init(args[0], "borrowed"); // the second driver finds its actor in this namespace
            ActorHandle<Keeper> keeper = driver.actor(Keeper::new).name("keeper").detached().remote();
            ObjectRef<Object> left = driver.<Object>put("left behind");
            if (!keeper.task(Keeper::hold, List.of(left)).remote().get()
                || !"left behind;".equals(keeper.task(Keeper::readHeld).remote().get())) {
                throw new AssertionError("the keeper could not read what it holds");
            }
            System.out.println("lent " + left.id());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    @Test
    void aDetachedActorHoldingARefOfADriverThatWasKilledLearnsItsOwnerDied() throws Exception {
        String why = NamespacedHosts.unavailableReason();
        assumeTrue(why == null, why);
        try (NamespacedCluster net = NamespacedCluster.start(home, List.of("--dead-after-ms", Long.toString(DEAD_AFTER_MS)))) {
            Process lender = new ProcessBuilder(io.mobula.worker.JvmCommand.of(LendingDriver.class.getName(),
                System.getProperty("java.class.path"), List.of("-Dmobula.home=" + System.getProperty("mobula.home")),
                List.of(net.headAddress()))).redirectErrorStream(true).start();
            String leftId;
            try {
                java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(lender.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
                StringBuilder seen = new StringBuilder();
                String line = out.readLine();
                while (line != null && !line.startsWith("lent ")) {
                    seen.append(line).append('\n');
                    line = out.readLine();
                }
                assertTrue(line != null, "the lending driver ended before lending:\n" + seen);
                leftId = line.substring("lent ".length());
            } finally {
                lender.destroyForcibly().waitFor(); // SIGKILL: its session ends without a goodbye
            }
            try (Mobula second = Mobula.init(net.headAddress(), "borrowed")) {
                ActorHandle<Keeper> keeper = second.getActor("keeper", Keeper.class).orElseThrow();
                String said = keeper.task(Keeper::readHeld).remote().get();
                for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                     said.equals("left behind;") && System.nanoTime() < deadline; ) {
                    Thread.sleep(250); // until its node sees the killed driver's session end
                    said = keeper.task(Keeper::readHeld).remote().get();
                }
                assertTrue(said.startsWith("owner died: ") && said.contains(leftId) && said.contains("the driver "), said);
                second.kill(keeper);
            }
        }
    }

    static boolean collectGarbage() {
        System.gc();
        return true;
    }

    /** Collects garbage everywhere (borrowed refs are let go when collected) until no node has anything lent out. */
    private static void awaitNothingLent(Mobula driver, String head, List<NodeInfo> cluster) throws Exception {
        java.util.Map<String, String> lent = lentCounts(head);
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40); System.nanoTime() < deadline; ) {
            System.gc();
            for (NodeInfo node : cluster) {
                driver.task(BorrowedRefTest::collectGarbage).scheduling(SchedulingStrategy.nodeAffinity(node.id(), false))
                    .remote().get();
            }
            Thread.sleep(1500); // a beat: the head hears each node's count
            lent = lentCounts(head);
            java.util.Set<String> alive = new java.util.HashSet<>();
            cluster.forEach(node -> alive.add(node.address()));
            if (lent.entrySet().stream().filter(e -> alive.contains(e.getKey())).allMatch(e -> e.getValue().equals("0"))) {
                return;
            }
        }
        throw new AssertionError("objects still lent out, by node: " + lent);
    }

    /** Each node's count of objects lent out, as the head reports it. */
    private static java.util.Map<String, String> lentCounts(String head) throws Exception {
        StateDirectory state = StateDirectory.fromEnvironment();
        io.mobula.transport.EmbeddedTransport transport = new io.mobula.transport.EmbeddedTransport();
        PeerSessions sessions = new PeerSessions(transport, state.secret(false), state);
        try {
            byte[] answer = sessions.send(head, NodeStatus.request()).get(10, TimeUnit.SECONDS);
            java.util.Map<String, String> lent = new java.util.TreeMap<>();
            for (NodeStatus status : ClusterView.decodeBlocks(answer)) {
                lent.put(status.get("address"), status.get("store.lent"));
            }
            return lent;
        } finally {
            sessions.close();
            transport.close();
        }
    }

    private static NodeInfo onHost(List<NodeInfo> cluster, String address) {
        return cluster.stream().filter(n -> n.address().equals(address)).findFirst().orElseThrow();
    }
}
