package io.mobula;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Placement groups on an embedded node: bundles reserved together, work run on their resources. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PlacementGroupTest {
    private static final AtomicInteger RUNNING = new AtomicInteger();
    private static final AtomicInteger MOST = new AtomicInteger();
    private static volatile CountDownLatch gate = new CountDownLatch(0);
    private static final AtomicBoolean HOLDER_KILLED = new AtomicBoolean();

    private Mobula mobula;

    static int busy() throws InterruptedException {
        int now = RUNNING.incrementAndGet();
        MOST.accumulateAndGet(now, Math::max);
        try {
            gate.await(10, TimeUnit.SECONDS);
            Thread.sleep(20);
            return now;
        } finally {
            RUNNING.decrementAndGet();
        }
    }

    /** @return whether the test had killed the bundle's actor when this task started. */
    static boolean startedAfterTheHolderDied() {
        return HOLDER_KILLED.get();
    }

    static final class Holder {
        Holder() {
        }

        int one() {
            return 1;
        }
    }

    @BeforeEach
    void start() {
        mobula = Mobula.init(new NodeContext().cpus(4).gpus(0));
        RUNNING.set(0);
        MOST.set(0);
        HOLDER_KILLED.set(false);
    }

    @AfterEach
    void stop() {
        mobula.close();
    }

    @Test
    void bundlesAreReservedAndWorkInThemRunsOnTheirResources() throws Exception {
        PlacementGroup group = mobula.placementGroup(PlacementStrategy.PACK, List.of(Map.of("CPU", 2.0), Map.of("CPU", 1.0)));
        assertTrue(group.waitReady(Duration.ofSeconds(10)));
        assertEquals(List.of(mobula.nodes().get(0).id(), mobula.nodes().get(0).id()), group.bundleNodes());
        assertEquals(1.0, mobula.availableResources().get("CPU"), "the bundles hold 3 of the 4 CPUs");

        // bundle 1 holds one CPU: its one-CPU tasks run one at a time, whatever the node has free
        gate = new CountDownLatch(1);
        List<ObjectRef<Integer>> inBundle = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            inBundle.add(mobula.task(PlacementGroupTest::busy).scheduling(SchedulingStrategy.placementGroup(group, 1)).remote());
        }
        awaitRunning(1);
        gate.countDown();
        mobula.get(inBundle);
        assertEquals(1, MOST.get(), "one task at a time in a one-CPU bundle (each ran 20 ms after the gate opened)");

        // any bundle: the work spreads over both (3 CPUs between them)
        MOST.set(0);
        gate = new CountDownLatch(1);
        List<ObjectRef<Integer>> anywhere = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            anywhere.add(mobula.task(PlacementGroupTest::busy).scheduling(SchedulingStrategy.placementGroup(group, -1)).remote());
        }
        MOST.set(0);
        awaitRunning(3);
        gate.countDown();
        mobula.get(anywhere);
        assertEquals(3, MOST.get(), "the group's 3 CPUs are busy, the node's free one is not used");

        // an actor in a bundle holds its share for life
        ActorHandle<Holder> holder = mobula.actor(Holder::new).resources("CPU", 2.0)
            .scheduling(SchedulingStrategy.placementGroup(group, 0)).remote();
        assertEquals(1, holder.task(Holder::one).remote().get());
        ObjectRef<Boolean> waitsForTheActor = mobula.task(PlacementGroupTest::startedAfterTheHolderDied).resources("CPU", 1.0)
            .scheduling(SchedulingStrategy.placementGroup(group, 0)).remote();
        HOLDER_KILLED.set(true);
        mobula.kill(holder);
        assertTrue(waitsForTheActor.get(Duration.ofSeconds(10)), "bundle 0's two CPUs are the actor's while it lives");

        // more than a bundle holds: refused at once
        assertThrows(InfeasibleResourcesException.class, () -> mobula.task(PlacementGroupTest::busy).resources("CPU", 3.0)
            .scheduling(SchedulingStrategy.placementGroup(group, 0)).remote());

        // removed: the CPUs come back; work queued in it fails
        gate = new CountDownLatch(1);
        ObjectRef<Integer> running = mobula.task(PlacementGroupTest::busy).scheduling(SchedulingStrategy.placementGroup(group, 1)).remote();
        ObjectRef<Integer> queued = mobula.task(PlacementGroupTest::busy).scheduling(SchedulingStrategy.placementGroup(group, 1)).remote();
        awaitRunning(1); // so 'queued' waits behind it in the one-CPU bundle
        mobula.removePlacementGroup(group);
        MobulaException gone = assertThrows(MobulaException.class, queued::get);
        assertTrue(gone.getMessage().contains("was removed"), gone.getMessage());
        gate.countDown();
        running.get();
        long deadline = System.currentTimeMillis() + 5000;
        while (mobula.availableResources().get("CPU") < 4.0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(4.0, mobula.availableResources().get("CPU"));
    }

    /** Waits (bounded) until {@code count} tasks run; the caller then checks no more start. */
    private static void awaitRunning(int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (RUNNING.get() < count && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
    }

    @Test
    void aGroupThatCouldNeverFitIsRefused() {
        InfeasibleResourcesException spread = assertThrows(InfeasibleResourcesException.class, () -> mobula
            .placementGroup(PlacementStrategy.STRICT_SPREAD, List.of(Map.of("CPU", 1.0), Map.of("CPU", 1.0))));
        assertTrue(spread.getMessage().contains("STRICT_SPREAD"), spread.getMessage());
        assertThrows(InfeasibleResourcesException.class,
            () -> mobula.placementGroup(PlacementStrategy.STRICT_PACK, List.of(Map.of("CPU", 3.0), Map.of("CPU", 2.0))));
        assertThrows(IllegalArgumentException.class, () -> mobula.placementGroup(PlacementStrategy.PACK, List.of()));
        assertThrows(IllegalArgumentException.class, () -> mobula.placementGroup(PlacementStrategy.PACK, List.of(Map.of("CPU", -1.0))));
        // one that fits, but not now: it waits for the resources
        PlacementGroup first = mobula.placementGroup(PlacementStrategy.STRICT_PACK, List.of(Map.of("CPU", 3.0)));
        assertTrue(first.waitReady(Duration.ofSeconds(5)));
        PlacementGroup second = mobula.placementGroup(PlacementStrategy.STRICT_PACK, List.of(Map.of("CPU", 2.0)));
        assertTrue(!second.waitReady(Duration.ofMillis(300)), "only one CPU is free");
        mobula.removePlacementGroup(first);
        assertTrue(second.waitReady(Duration.ofSeconds(5)));
    }
}
