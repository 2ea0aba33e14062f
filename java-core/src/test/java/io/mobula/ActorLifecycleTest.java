package io.mobula;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An actor's life on an embedded node: restarts under concurrency, kills that restart, exits. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ActorLifecycleTest {
    private Mobula mobula;

    @BeforeEach
    void start() {
        mobula = Mobula.init(new NodeContext().cpus(4).storeCapacityBytes(64L << 20));
        Rebuilt.reset();
    }

    @AfterEach
    void stop() {
        mobula.close();
    }

    /**
     * A call of a concurrent actor that runs again (a retry) while a sibling's fatal error has the
     * actor rebuilt waits for the new instance: it used to read the instance the restart had
     * cleared and fail with a NullPointerException.
     */
    @Test
    void aConcurrentCallThatRunsDuringARestartWaitsForTheNewInstance() throws Exception {
        ActorHandle<Rebuilt> actor = mobula.actor(Rebuilt::new).maxConcurrency(4).maxRestarts(1).remote();
        ObjectRef<Integer> retried = actor.task(Rebuilt::failOnceAfterTheCrash).maxRetries(1)
            .retryExceptions(IllegalStateException.class).remote();
        assertTrue(Rebuilt.retriedStarted.await(10, TimeUnit.SECONDS));
        ObjectRef<Integer> crash = actor.task(Rebuilt::crash).remote();
        assertTrue(Rebuilt.restarting.await(10, TimeUnit.SECONDS), "the crash restarts the actor");
        Rebuilt.crashed.countDown(); // the first call fails now, while the constructor runs again, and retries
        ObjectRef<Integer> queued = actor.task(Rebuilt::generation).remote();
        Rebuilt.restartGate.countDown();
        assertEquals(2, retried.get(Duration.ofSeconds(10)), "the retry ran on the rebuilt instance");
        assertEquals(2, queued.get(Duration.ofSeconds(10)));
        assertThrows(TaskException.class, () -> crash.get(Duration.ofSeconds(10)));
        assertEquals(1, actor.restarts());
    }

    /** Many calls in flight on four threads while one of them kills the instance: none sees it missing. */
    @Test
    void callsInFlightAcrossARestartNeverSeeAMissingInstance() {
        for (int round = 0; round < 5; round++) {
            Rebuilt.reset();
            Rebuilt.restartGate.countDown();
            ActorHandle<Rebuilt> actor = mobula.actor(Rebuilt::new).maxConcurrency(4).maxRestarts(1).remote();
            List<ObjectRef<Integer>> calls = new ArrayList<>();
            ObjectRef<Integer> crash = null;
            for (int i = 0; i < 400; i++) {
                if (i == 100) {
                    crash = actor.task(Rebuilt::crash).remote();
                } else {
                    calls.add(actor.task(Rebuilt::generation).remote());
                }
            }
            for (ObjectRef<Integer> call : calls) {
                int generation = call.get(Duration.ofSeconds(10)); // before the fix: a TaskException caused by an NPE
                assertTrue(generation == 1 || generation == 2, "generation " + generation);
            }
            ObjectRef<Integer> crashed = crash;
            assertThrows(TaskException.class, () -> crashed.get(Duration.ofSeconds(10)));
            mobula.kill(actor);
        }
    }

    /**
     * Ray's kill(actor, no_restart=False): the call running on the killed instance fails, queued and
     * later calls run on a new instance while maxRestarts allows; then the kill is for good.
     */
    @Test
    void aKillThatRestartsBuildsTheActorAgainWhileRestartsRemain() throws Exception {
        ActorHandle<Tally> tally = mobula.actor(Tally::new).name("tally").maxRestarts(1).remote();
        assertEquals(1, tally.task(Tally::inc).remote().get());
        assertEquals(2, tally.task(Tally::inc).remote().get());
        Tally.blocked = new CountDownLatch(1);
        ObjectRef<Integer> running = tally.task(Tally::blockUntilInterrupted).remote();
        ObjectRef<Integer> queued = tally.task(Tally::inc).remote();
        assertTrue(Tally.blocked.await(10, TimeUnit.SECONDS));
        mobula.kill(tally, false);
        ActorDiedException killed = assertThrows(ActorDiedException.class, () -> running.get(Duration.ofSeconds(10)));
        assertTrue(killed.getMessage().contains("was killed while this call ran"), killed.getMessage());
        assertEquals(1, queued.get(Duration.ofSeconds(10)), "a queued call runs on the new instance");
        assertEquals(2, tally.task(Tally::inc).remote().get());
        assertEquals(1, tally.restarts());
        assertTrue(tally.isAlive());
        assertTrue(mobula.getActor("tally").isPresent(), "a restart keeps the name");

        mobula.kill(tally, false); // no restarts left: for good
        ActorDiedException dead = assertThrows(ActorDiedException.class, () -> tally.task(Tally::inc).remote().get());
        assertTrue(dead.getMessage().contains("no restarts are left"), dead.getMessage());
        assertTrue(!tally.isAlive() && mobula.getActor("tally").isEmpty());
    }

    @Test
    void aKillWithNoRestartIsForGood() {
        ActorHandle<Tally> tally = mobula.actor(Tally::new).maxRestarts(3).remote();
        assertEquals(1, tally.task(Tally::inc).remote().get());
        mobula.kill(tally, true);
        ActorDiedException dead = assertThrows(ActorDiedException.class, () -> tally.task(Tally::inc).remote().get());
        assertTrue(dead.getMessage().contains("was killed"), dead.getMessage());
        assertEquals(0, tally.restarts());
    }

    /** Ray's exit_actor(): the call's result is delivered, then the actor ends for good, restarts or not. */
    @Test
    void exitActorEndsTheActorAfterTheCallReturns() throws Exception {
        ActorHandle<Tally> tally = mobula.actor(Tally::new).name("leaving").maxRestarts(3).remote();
        Tally.gate = new CountDownLatch(1);
        ObjectRef<Integer> exiting = tally.task(Tally::exitAfterGate, 7).remote();
        ObjectRef<Integer> queued = tally.task(Tally::inc).remote();
        Tally.gate.countDown();
        assertEquals(7, exiting.get(Duration.ofSeconds(10)), "the exiting call's result is delivered");
        ActorDiedException exited = assertThrows(ActorDiedException.class, () -> queued.get(Duration.ofSeconds(10)));
        assertTrue(exited.getMessage().contains("exited") && exited.getMessage().contains("exitActor()"), exited.getMessage());
        ActorDiedException later = assertThrows(ActorDiedException.class, () -> tally.task(Tally::inc).remote().get());
        assertTrue(later.getMessage().contains("exited"), later.getMessage());
        assertEquals(0, tally.restarts(), "an exit is not restarted");
        assertTrue(!tally.isAlive() && mobula.getActor("leaving").isEmpty(), "its name is free again");
    }

    @Test
    void exitActorOutsideAnActorMethodSaysWhereItWorks() {
        IllegalStateException outside = assertThrows(IllegalStateException.class, Mobula::exitActor);
        assertTrue(outside.getMessage().contains("only inside an actor's method"), outside.getMessage());
        String inTask = mobula.task(ActorLifecycleTest::exitFromATask).remote().get();
        assertTrue(inTask.contains("only inside an actor's method"), inTask);
    }

    static String exitFromATask() {
        try {
            Mobula.exitActor();
            return "no error";
        } catch (IllegalStateException expected) {
            return expected.getMessage();
        }
    }

    static final class Tally {
        static volatile CountDownLatch blocked = new CountDownLatch(1);
        static volatile CountDownLatch gate = new CountDownLatch(1);
        private int value;

        int inc() {
            return ++value;
        }

        /** Blocks until a kill interrupts it. */
        int blockUntilInterrupted() throws InterruptedException {
            blocked.countDown();
            new CountDownLatch(1).await(30, TimeUnit.SECONDS);
            return -1;
        }

        int exitAfterGate(int result) throws InterruptedException {
            if (!gate.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never opened the gate");
            }
            Mobula.exitActor();
            return result;
        }
    }

    /** Counts its constructions; the second waits on {@link #restartGate}. */
    static final class Rebuilt {
        static final AtomicInteger CONSTRUCTIONS = new AtomicInteger();
        static volatile CountDownLatch restarting;
        static volatile CountDownLatch restartGate;
        static volatile CountDownLatch crashed;
        static volatile CountDownLatch retriedStarted;
        private final int generation;

        Rebuilt() throws InterruptedException {
            generation = CONSTRUCTIONS.incrementAndGet();
            if (generation > 1) {
                restarting.countDown();
                if (!restartGate.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never let the restart finish");
                }
            }
        }

        static void reset() {
            CONSTRUCTIONS.set(0);
            restarting = new CountDownLatch(1);
            restartGate = new CountDownLatch(1);
            crashed = new CountDownLatch(1);
            retriedStarted = new CountDownLatch(1);
        }

        int generation() {
            return generation;
        }

        int crash() {
            throw new AssertionError("state corrupted");
        }

        /** Fails once, after the sibling's crash has the actor restarting; then answers its generation. */
        int failOnceAfterTheCrash() throws InterruptedException {
            if (generation == 1) {
                retriedStarted.countDown();
                if (!crashed.await(10, TimeUnit.SECONDS)) {
                    throw new AssertionError("the crash never came");
                }
                throw new IllegalStateException("failed after the crash");
            }
            return generation;
        }
    }
}
