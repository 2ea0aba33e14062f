package io.mobula.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mobula.ActorHandle;
import io.mobula.Mobula;
import io.mobula.NodeContext;
import io.mobula.ObjectRef;

/** What a node keeps once work is done: queues, threads, and the CPU it burns doing nothing. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SchedulerFootprintTest {
    static volatile CountDownLatch gate = new CountDownLatch(0);

    static int one() {
        return 1;
    }

    /**
     * Blocks in {@code get} on a gated task, lending its CPU, so the node starts another worker. (The
     * ref comes in a list: a ref argument itself would be waited for before the task starts.)
     */
    static int blockOnGated(List<ObjectRef<Integer>> gated) {
        return gated.get(0).get(Duration.ofSeconds(30));
    }

    static int awaitGate() throws InterruptedException {
        gate.await(30, TimeUnit.SECONDS);
        return 1;
    }

    /** An actor for the idle checks: one method, so its threads have had a call and gone idle. */
    static final class Idle {
        int ping() {
            return 1;
        }
    }

    @Test
    void aShapesQueueIsDroppedOnceItsWorkIsDone() {
        try (Mobula mobula = Mobula.init(new NodeContext().cpus(2).resource("slot", 1000).storeCapacityBytes(8L << 20))) {
            NodeRuntime node = RuntimeAccess.runtimeOf(mobula);
            List<ObjectRef<Integer>> refs = new ArrayList<>();
            for (int i = 1; i <= 200; i++) {
                refs.add(mobula.task(SchedulerFootprintTest::one).resources("slot", i).remote()); // 200 shapes
            }
            assertEquals(200, mobula.get(refs).size());
            int left = awaitAtMost(() -> node.scheduler().readyQueueCount(), 0);
            assertEquals(0, left, "every shape's queue is dropped once its leases are back");
            // and a shape seen before still runs (its queue is made again)
            assertEquals(1, mobula.task(SchedulerFootprintTest::one).resources("slot", 7).remote().get(Duration.ofSeconds(10)));
        }
    }

    @Test
    void workersBeyondOnePerCpuRetireAfterTheirKeepAlive() throws Exception {
        gate = new CountDownLatch(1);
        try (Mobula mobula = Mobula.init(new NodeContext().cpus(2).workerKeepAlive(200, TimeUnit.MILLISECONDS)
            .storeCapacityBytes(8L << 20))) {
            NodeRuntime node = RuntimeAccess.runtimeOf(mobula);
            ObjectRef<Integer> gated = mobula.task(SchedulerFootprintTest::awaitGate).remote();
            List<ObjectRef<Integer>> blocked = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                blocked.add(mobula.task(SchedulerFootprintTest::blockOnGated, List.of(gated)).remote());
            }
            // the gated task holds one CPU; each blocked task lends the other, so each has a worker of its own
            int most = awaitAtLeast(() -> node.workerPool().size(), 17);
            assertTrue(most >= 17, "the gated task and 16 blocked ones each on a worker: " + most);
            gate.countDown();
            assertEquals(16, mobula.get(blocked).size());
            assertEquals(2, awaitAtMost(() -> node.workerPool().size(), 2), "one worker per CPU stays");
            assertEquals(1, mobula.task(SchedulerFootprintTest::one).remote().get(Duration.ofSeconds(10)));
        } finally {
            gate.countDown();
        }
    }

    /**
     * An idle node's threads use under 0.3% of a core, measured over 10 s: nothing polls on a timer
     * (a 5 ms scheduler watchdog once cost about 1%, and each idle worker and actor thread woke 10
     * times a second).
     */
    @Test
    void anIdleNodeUsesUnderAThirdOfAPercentOfACore() throws Exception {
        try (Mobula mobula = Mobula.init(new NodeContext().cpus(4).storeCapacityBytes(8L << 20))) {
            List<ObjectRef<Integer>> warm = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                warm.add(mobula.task(SchedulerFootprintTest::one).remote());
            }
            for (int i = 0; i < 4; i++) {
                ActorHandle<Idle> actor = mobula.actor(Idle::new).maxConcurrency(4).remote();
                warm.add(actor.task(Idle::ping).remote());
            }
            mobula.get(warm);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long before = nodeThreadsCpuNs(threads);
            long start = System.nanoTime();
            new CountDownLatch(1).await(10, TimeUnit.SECONDS); // the node sits idle for the measurement
            long elapsed = System.nanoTime() - start;
            long used = nodeThreadsCpuNs(threads) - before;
            double share = (double) used / elapsed;
            assertTrue(share < 0.003, String.format("the idle node's threads used %.3f%% of a core (%d us in %d ms)",
                share * 100, TimeUnit.NANOSECONDS.toMicros(used), TimeUnit.NANOSECONDS.toMillis(elapsed)));
        }
    }

    /**
     * An idle actor's threads park until a call, a kill or a restart rings them: untimed, so the
     * thread reads WAITING, not TIMED_WAITING (they once woke every 100 ms to look at the mailbox).
     */
    @Test
    void idleActorThreadsParkUntilRung() {
        try (Mobula mobula = Mobula.init(new NodeContext().cpus(2).storeCapacityBytes(8L << 20))) {
            ActorHandle<Idle> actor = mobula.actor(Idle::new).maxConcurrency(3).remote();
            assertEquals(1, actor.task(Idle::ping).remote().get(Duration.ofSeconds(10)));
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            List<String> notParked;
            do {
                Thread.yield(); // the threads spin briefly before they park
                notParked = new ArrayList<>();
                for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                    if (info != null && info.getThreadName().startsWith("mobula-actor-")
                        && info.getThreadState() != Thread.State.WAITING) {
                        notParked.add(info.getThreadName() + " " + info.getThreadState());
                    }
                }
            } while (!notParked.isEmpty() && System.nanoTime() - deadline < 0);
            assertEquals(List.of(), notParked, "idle actor threads park without a timeout");
            // and a call still wakes them
            assertEquals(1, actor.task(Idle::ping).remote().get(Duration.ofSeconds(10)));
        }
    }

    /** CPU time of every live thread the node started (their names begin with "mobula-"). */
    private static long nodeThreadsCpuNs(ThreadMXBean threads) {
        long total = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("mobula-")) {
                long cpu = threads.getThreadCpuTime(info.getThreadId());
                total += Math.max(0, cpu);
            }
        }
        return total;
    }

    /** Polls {@code value} until it is at most {@code bound} or 20 s pass. @return the last value seen. */
    private static int awaitAtMost(IntSupplier value, int bound) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int now;
        while ((now = value.getAsInt()) > bound && System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
            Thread.yield();
        }
        return now;
    }

    /** Polls {@code value} until it is at least {@code bound} or 20 s pass. @return the last value seen. */
    private static int awaitAtLeast(IntSupplier value, int bound) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int now;
        while ((now = value.getAsInt()) < bound && System.nanoTime() - deadline < 0) {
            Thread.yield();
        }
        return now;
    }
}
