package io.mobula.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.mobula.ActorDiedException;
import io.mobula.ActorHandle;
import io.mobula.Mobula;
import io.mobula.ObjectRef;
import io.mobula.TaskException;

/**
 * An actor's life through a connected driver, its instance on a node in another process: restarts
 * under concurrency, kills that restart, exits. One head serves every test.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConnectedActorLifecycleTest {
    @TempDir
    static Path home;
    private static TemporaryHead head;

    @BeforeAll
    static void startAHead() {
        head = TemporaryHead.start(home, "{\"CPU\":4}");
    }

    @AfterAll
    static void stopIt() {
        head.close();
    }

    /** Counts its calls; its generation is how many instances this node built before it, plus one. */
    static final class Tally {
        private static final java.util.concurrent.atomic.AtomicInteger BUILT = new java.util.concurrent.atomic.AtomicInteger();
        private final int generation = BUILT.incrementAndGet();
        private int value;
        private volatile boolean blocking;

        Tally() {
        }

        int inc() {
            return ++value;
        }

        int generation() {
            return generation;
        }

        int crash() {
            throw new AssertionError("state corrupted");
        }

        boolean blocking() {
            return blocking;
        }

        /** Blocks until a kill interrupts it. */
        int blockUntilInterrupted() throws InterruptedException {
            blocking = true;
            new java.util.concurrent.CountDownLatch(1).await(60, TimeUnit.SECONDS);
            return -1;
        }

        int exitWith(int result) {
            Mobula.exitActor();
            return result;
        }
    }

    /** Many calls in flight on four threads of the node while one kills the instance: none sees it missing. */
    @Test
    void callsInFlightAcrossARestartOnTheNodeNeverSeeAMissingInstance() {
        try (Mobula driver = Mobula.init(head.address())) {
            for (int round = 0; round < 3; round++) {
                ActorHandle<Tally> actor = driver.actor(Tally::new).maxConcurrency(4).maxRestarts(1).remote();
                int first = actor.task(Tally::generation).remote().get();
                List<ObjectRef<Integer>> calls = new ArrayList<>();
                ObjectRef<Integer> crash = null;
                for (int i = 0; i < 400; i++) {
                    if (i == 100) {
                        crash = actor.task(Tally::crash).remote();
                    } else {
                        calls.add(actor.task(Tally::generation).remote());
                    }
                }
                for (ObjectRef<Integer> call : calls) {
                    int generation = call.get(Duration.ofSeconds(30));
                    assertTrue(generation == first || generation == first + 1, "generation " + generation);
                }
                ObjectRef<Integer> crashed = crash;
                assertThrows(TaskException.class, () -> crashed.get(Duration.ofSeconds(30)));
                assertEquals(first + 1, actor.task(Tally::generation).remote().get(), "rebuilt once");
                driver.kill(actor);
            }
        }
    }

    @Test
    void aKillThatRestartsRebuildsTheActorOnItsNode() {
        try (Mobula driver = Mobula.init(head.address())) {
            ActorHandle<Tally> tally = driver.actor(Tally::new).maxConcurrency(2).maxRestarts(1).remote();
            assertEquals(1, tally.task(Tally::inc).remote().get());
            assertEquals(2, tally.task(Tally::inc).remote().get());
            ObjectRef<Integer> running = tally.task(Tally::blockUntilInterrupted).remote();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!tally.task(Tally::blocking).remote().get()) { // its other thread answers
                assertTrue(System.nanoTime() < deadline, "the blocking call never started");
            }
            driver.kill(tally, false);
            ActorDiedException killed = assertThrows(io.mobula.ActorUnavailableException.class, () -> running.get(Duration.ofSeconds(30)));
            assertTrue(killed.getMessage().contains("was killed while this call ran"), killed.getMessage());
            assertEquals(1, tally.task(Tally::inc).remote().get(), "a new instance");
            assertTrue(tally.isAlive());

            driver.kill(tally, false); // no restarts left: for good
            ActorDiedException dead = assertThrows(ActorDiedException.class, () -> tally.task(Tally::inc).remote().get());
            assertFalse(tally.isAlive(), dead.getMessage());
        }
    }

    /**
     * A name is unique within a namespace across the cluster: a detached actor outlives its driver in
     * its namespace, found there by name; a driver of another (anonymous) namespace sees it only by
     * naming its namespace, and may use the name for its own.
     */
    @Test
    void namedActorsLiveInTheirNamespaceAcrossDrivers() {
        try (Mobula maker = Mobula.init(head.address(), "shared")) {
            assertEquals("shared", maker.namespace());
            maker.actor(Tally::new).name("keeper").detached().remote().task(Tally::inc).remote().get();
        } // its driver gone: the detached actor stays in its namespace
        try (Mobula same = Mobula.init(head.address(), "shared"); Mobula anonymous = Mobula.init(head.address())) {
            ActorHandle<Tally> keeper = same.<Tally>getActor("keeper").orElseThrow();
            assertEquals(2, keeper.task(Tally::inc).remote().get(), "the same actor, its state kept");
            assertThrows(io.mobula.ActorNameTakenException.class, () -> same.actor(Tally::new).name("keeper").remote());

            assertTrue(anonymous.namespace().startsWith(io.mobula.NodeContext.ANONYMOUS_NAMESPACE_PREFIX));
            assertTrue(anonymous.getActor("keeper").isEmpty(), "another namespace's name");
            ActorHandle<Tally> seen = anonymous.<Tally>getActor("keeper", "shared").orElseThrow();
            assertEquals(3, seen.task(Tally::inc).remote().get());
            ActorHandle<Tally> own = anonymous.actor(Tally::new).name("keeper").remote();
            assertEquals(1, own.task(Tally::inc).remote().get(), "the name is free in its own namespace");
            same.kill(keeper);
        }
    }

    /** Its groups' calls meet on the node: two "io" calls at once, while the default group is held. */
    static final class Server {
        private final java.util.concurrent.CountDownLatch together = new java.util.concurrent.CountDownLatch(2);
        private final java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);

        Server() {
        }

        String awaitGate() throws InterruptedException {
            return gate.await(60, TimeUnit.SECONDS) ? "opened" : "never opened";
        }

        String open() {
            gate.countDown();
            return Thread.currentThread().getName();
        }

        String meet() throws InterruptedException {
            together.countDown();
            return together.await(30, TimeUnit.SECONDS) ? "met" : "alone";
        }
    }

    /**
     * The node keeps the groups the driver declared: the default group's one thread is held, the
     * "io" group runs two calls at once, and a call sent to "control" by name opens the gate.
     */
    @Test
    void concurrencyGroupsRunOnTheActorsNode() {
        try (Mobula driver = Mobula.init(head.address())) {
            ActorHandle<Server> server = driver.actor(Server::new)
                .concurrencyGroup(io.mobula.ConcurrencyGroup.<Server>named("io", 2).method(Server::meet))
                .concurrencyGroup(io.mobula.ConcurrencyGroup.named("control", 1))
                .remote();
            ObjectRef<String> blocked = server.task(Server::awaitGate).remote();
            ObjectRef<String> first = server.task(Server::meet).remote();
            ObjectRef<String> second = server.task(Server::meet).remote();
            assertEquals("met", first.get(Duration.ofSeconds(40)), "two io calls at once, beside the held default group");
            assertEquals("met", second.get(Duration.ofSeconds(40)));
            String opener = server.task(Server::open).concurrencyGroup("control").remote().get(Duration.ofSeconds(30));
            assertTrue(opener.contains("-control-"), opener);
            assertEquals("opened", blocked.get(Duration.ofSeconds(30)));
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> server.task(Server::open).concurrencyGroup("gpu").remote());
            assertTrue(unknown.getMessage().contains("no concurrency group 'gpu'"), unknown.getMessage());
            driver.kill(server);
        }
    }

    @Test
    void exitActorEndsTheActorOnItsNodeAfterTheCallReturns() {
        try (Mobula driver = Mobula.init(head.address())) {
            ActorHandle<Tally> tally = driver.actor(Tally::new).maxRestarts(2).remote();
            assertEquals(7, tally.task(Tally::exitWith, 7).remote().get(), "the exiting call's result is delivered");
            ActorDiedException exited = assertThrows(ActorDiedException.class, () -> tally.task(Tally::inc).remote().get());
            assertTrue(exited.getMessage().contains("exited"), exited.getMessage());
            assertFalse(tally.isAlive(), "the driver's handle knows it is gone");
            assertEquals(0, tally.restarts(), "an exit is not a restart");
            ActorDiedException later = assertThrows(ActorDiedException.class, () -> tally.task(Tally::inc).remote().get());
            assertTrue(later.getMessage().contains("exited"), later.getMessage());
        }
    }
}
