package io.mobula;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code Mobula.cancel}'s options on an embedded node: recursive reaches the tasks a task submitted
 * (running ones interrupted, queued ones never run, later ones cancelled on arrival), not recursive
 * leaves them, force on a thread interrupts, force on an actor call is refused. Each test observes
 * what happened to the work (started, interrupted, ran), not only what {@code get} says.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CancelTest {
    private static final long WAIT_S = 10;

    static volatile CountDownLatch childrenSubmitted;
    static volatile CountDownLatch childStarted;
    static volatile CountDownLatch childInterrupted;
    static volatile CountDownLatch gate;
    static final AtomicInteger queuedStarts = new AtomicInteger();
    static volatile ObjectRef<Integer> runningChild;
    static volatile ObjectRef<Integer> queuedChild;

    private Mobula mobula;

    @BeforeEach
    void start() {
        childrenSubmitted = new CountDownLatch(1);
        childStarted = new CountDownLatch(1);
        childInterrupted = new CountDownLatch(1);
        gate = new CountDownLatch(1);
        queuedStarts.set(0);
        runningChild = null;
        queuedChild = null;
        mobula = Mobula.init(new NodeContext().cpus(4).resource("camera", 1).storeCapacityBytes(64L << 20));
    }

    @AfterEach
    void stop() {
        gate.countDown();
        mobula.close();
    }

    /**
     * Submits a child that runs until interrupted and, once it runs, one queued for the camera (not
     * before: a shape waiting for a lease holds back the shapes that asked after it), then waits for
     * the first.
     */
    static int parent() throws InterruptedException {
        Mobula here = Mobula.current();
        runningChild = here.task(CancelTest::sleepUntilInterrupted).remote();
        assertTrue(childStarted.await(WAIT_S, TimeUnit.SECONDS));
        queuedChild = here.task(CancelTest::countStart).resources("camera", 1).remote();
        childrenSubmitted.countDown();
        return runningChild.get();
    }

    /** Submits a child that waits for the gate, then waits for it. */
    static int parentOfGated() {
        Mobula here = Mobula.current();
        runningChild = here.task(CancelTest::awaitGate).remote();
        childrenSubmitted.countDown();
        return runningChild.get();
    }

    /** Ignores the cancel's interrupt and submits a child after it. */
    static int parentSubmittingAfterItsCancel() {
        Mobula here = Mobula.current();
        childStarted.countDown();
        try {
            Thread.sleep(TimeUnit.MINUTES.toMillis(10));
        } catch (InterruptedException e) {
            queuedChild = here.task(CancelTest::countStart).remote();
            childrenSubmitted.countDown();
        }
        return 0;
    }

    static int sleepUntilInterrupted() {
        childStarted.countDown();
        try {
            Thread.sleep(TimeUnit.MINUTES.toMillis(10));
        } catch (InterruptedException e) {
            childInterrupted.countDown();
            return -2;
        }
        return -1;
    }

    static int awaitGate() throws InterruptedException {
        childStarted.countDown();
        assertTrue(gate.await(60, TimeUnit.SECONDS));
        return 7;
    }

    /** Holds what it asked for until the gate opens; trips nothing. */
    static int holdUntilGate() throws InterruptedException {
        assertTrue(gate.await(60, TimeUnit.SECONDS));
        return 7;
    }

    static int countStart() {
        queuedStarts.incrementAndGet();
        return 1;
    }

    /** An actor whose calls say whether they started and were interrupted. */
    static final class Napper {
        Napper() {
        }

        int nap() {
            return sleepUntilInterrupted();
        }

        int count() {
            return countStart();
        }

        /** Submits a task that runs until interrupted, then waits for it (a method as parent). */
        int parentOfSleeper() throws InterruptedException {
            return parent();
        }
    }

    @Test
    void aRecursiveCancelInterruptsRunningChildrenAndDropsQueuedOnes() throws Exception {
        ObjectRef<Integer> cameraHolder = mobula.task(CancelTest::holdUntilGate).resources("camera", 1).remote();
        ObjectRef<Integer> parent = mobula.task(CancelTest::parent).remote();
        assertTrue(childrenSubmitted.await(WAIT_S, TimeUnit.SECONDS));
        awaitChildStarted();

        assertTrue(mobula.cancel(parent)); // Ray's default: recursive
        assertThrows(TaskCancelledException.class, parent::get);
        assertTrue(childInterrupted.await(WAIT_S, TimeUnit.SECONDS), "the running child was interrupted");
        assertThrows(TaskCancelledException.class, runningChild::get);
        assertThrows(TaskCancelledException.class, queuedChild::get);

        gate.countDown();
        assertEquals(7, cameraHolder.get());
        // the next camera task runs after where the cancelled child stood in the queue
        assertEquals(1, mobula.task(CancelTest::countStart).resources("camera", 1).remote().get());
        assertEquals(1, queuedStarts.get(), "the queued child never ran");
        awaitAllCpusFree();
    }

    @Test
    void aCancelThatIsNotRecursiveLeavesTheChildrenRunning() throws Exception {
        ObjectRef<Integer> parent = mobula.task(CancelTest::parentOfGated).remote();
        assertTrue(childrenSubmitted.await(WAIT_S, TimeUnit.SECONDS));
        awaitChildStarted();

        assertTrue(mobula.cancel(parent, false, false));
        assertThrows(TaskCancelledException.class, parent::get);
        gate.countDown();
        assertEquals(7, runningChild.get(), "the child ran on to its end");
    }

    @Test
    void childrenSubmittedAfterARecursiveCancelNeverRun() throws Exception {
        ObjectRef<Integer> parent = mobula.task(CancelTest::parentSubmittingAfterItsCancel).remote();
        awaitChildStarted();
        assertTrue(mobula.cancel(parent));
        assertTrue(childrenSubmitted.await(WAIT_S, TimeUnit.SECONDS));
        assertThrows(TaskCancelledException.class, queuedChild::get);
        assertThrows(TaskCancelledException.class, parent::get);
        awaitAllCpusFree();
        assertEquals(0, queuedStarts.get(), "the late child never ran");
    }

    @Test
    void forceOnATaskRunningOnANodeThreadInterruptsIt() throws Exception {
        ObjectRef<Integer> running = mobula.task(CancelTest::sleepUntilInterrupted).remote();
        awaitChildStarted();
        assertTrue(mobula.cancel(running, true, true));
        assertThrows(TaskCancelledException.class, running::get);
        assertTrue(childInterrupted.await(WAIT_S, TimeUnit.SECONDS), "a thread cannot be killed: it is interrupted");
        awaitAllCpusFree();
    }

    @Test
    void anActorCallIsInterruptedOrDroppedButNeverForced() throws Exception {
        ActorHandle<Napper> napper = mobula.actor(Napper::new).remote();
        ObjectRef<Integer> napping = napper.task(Napper::nap).remote();
        ObjectRef<Integer> queued = napper.task(Napper::count).remote();
        awaitChildStarted();

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> mobula.cancel(napping, true, true));
        assertTrue(refused.getMessage().contains("without force"), refused.getMessage());
        assertEquals(1, childInterrupted.getCount(), "a refused cancel does nothing");

        assertTrue(mobula.cancel(queued));
        assertTrue(mobula.cancel(napping));
        assertThrows(TaskCancelledException.class, napping::get);
        assertTrue(childInterrupted.await(WAIT_S, TimeUnit.SECONDS), "the running call was interrupted");
        assertThrows(TaskCancelledException.class, queued::get);
        assertEquals(1, napper.task(Napper::count).remote().get(), "the actor lives on; the dropped call never ran");
    }

    /** Tasks submitted from an actor's method are its children, as a task's are (they were not). */
    @Test
    void aRecursiveCancelOfAnActorCallReachesTheTasksItSubmitted() throws Exception {
        ObjectRef<Integer> cameraHolder = mobula.task(CancelTest::holdUntilGate).resources("camera", 1).remote();
        ActorHandle<Napper> napper = mobula.actor(Napper::new).remote();
        ObjectRef<Integer> call = napper.task(Napper::parentOfSleeper).remote();
        assertTrue(childrenSubmitted.await(WAIT_S, TimeUnit.SECONDS));

        assertTrue(mobula.cancel(call));
        assertThrows(TaskCancelledException.class, call::get);
        assertTrue(childInterrupted.await(WAIT_S, TimeUnit.SECONDS), "the running child was interrupted");
        assertThrows(TaskCancelledException.class, runningChild::get);
        assertThrows(TaskCancelledException.class, queuedChild::get);

        gate.countDown();
        assertEquals(7, cameraHolder.get());
        assertEquals(1, mobula.task(CancelTest::countStart).resources("camera", 1).remote().get());
        assertEquals(1, queuedStarts.get(), "the queued child never ran");
        assertEquals(1, napper.task(Napper::count).remote().get(), "the actor lives on");
    }

    private static void awaitChildStarted() throws InterruptedException {
        assertTrue(childStarted.await(WAIT_S, TimeUnit.SECONDS), "the work never started");
    }

    private void awaitAllCpusFree() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (mobula.availableResources().get("CPU") < 4.0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(4.0, mobula.availableResources().get("CPU"));
    }
}
