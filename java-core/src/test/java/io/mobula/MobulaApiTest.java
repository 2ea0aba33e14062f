package io.mobula;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every call, option and error of the API, on an embedded node. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MobulaApiTest {
    private Mobula mobula;

    @BeforeEach
    void start() {
        mobula = Mobula.init(new NodeContext().cpus(4).resource("camera", 1).storeCapacityBytes(64L << 20)
            .storeCreateTimeout(200, TimeUnit.MILLISECONDS));
    }

    @AfterEach
    void stop() {
        mobula.close();
    }

    @Test
    void tasksOfEveryArityReturnTheirValue() {
        assertEquals(1, mobula.task(TestFunctions::one).remote().get());
        assertEquals(5, mobula.task(TestFunctions::add, 2, 3).remote().get());
        assertEquals(21L, mobula.task(TestFunctions::sum6, 1, 2, 3, 4, 5, 6).remote().get());
        assertNull(mobula.task(TestFunctions::nothing, "x").remote().get());
    }

    @Test
    void refsAsArgumentsAreResolvedBeforeTheTaskRuns() {
        ObjectRef<double[]> a = mobula.task(TestFunctions::fill, 1000, 1.5).remote();
        ObjectRef<double[]> b = mobula.task(TestFunctions::fill, 1000, 2.5).remote();
        double[] sum = mobula.task(TestFunctions::addArrays, a, b).remote().get();
        assertEquals(1000, sum.length);
        for (double v : sum) {
            assertEquals(4.0, v);
        }
    }

    @Test
    void largeValuesGoThroughTheStoreAndComeBackEqual() {
        double[] big = new double[1 << 18]; // 2 MiB, above the inline threshold
        for (int i = 0; i < big.length; i++) {
            big[i] = i;
        }
        ObjectRef<double[]> ref = mobula.put(big);
        big[0] = -1; // a later change does not reach the stored value
        double[] back = mobula.get(ref);
        assertEquals(0.0, back[0]);
        assertEquals(big.length - 1.0, back[big.length - 1]);
        double[] doubled = mobula.task(TestFunctions::addArrays, ref, ref).remote().get();
        assertEquals(2.0 * (big.length - 1), doubled[big.length - 1]);
    }

    @Test
    void buffersAndSegmentsComeBackAsReadOnlyViews() {
        ByteBuffer buffer = ByteBuffer.allocate(300_000);
        buffer.putInt(0, 42);
        ByteBuffer view = mobula.get(mobula.put(buffer));
        assertTrue(view.isReadOnly());
        assertEquals(300_000, view.capacity());
        MemorySegment segment = MemorySegment.ofArray(new long[] {7, 8, 9});
        MemorySegment back = mobula.get(mobula.put(segment));
        assertTrue(back.isReadOnly());
        assertEquals(8L, back.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, 1));
    }

    @Test
    void putAndGetOfObjectGraphsWithNestedRefs() {
        ObjectRef<Integer> inner = mobula.put(41);
        List<ObjectRef<Integer>> refs = new ArrayList<>(List.of(inner, mobula.task(TestFunctions::add, 1, 1).remote()));
        ObjectRef<List<ObjectRef<Integer>>> outer = mobula.put(refs);
        List<ObjectRef<Integer>> back = mobula.get(outer);
        assertEquals(inner, back.get(0));
        assertEquals(41, back.get(0).get());
        // nested refs stay refs: the task receives the list of refs and gets them itself
        assertEquals(43, mobula.task(TestFunctions::countRefs, refs).remote().get());
        assertNull(mobula.get(mobula.put(null)));
    }

    @Test
    void getListAndTimeouts() {
        List<ObjectRef<Integer>> refs = List.of(mobula.task(TestFunctions::add, 1, 2).remote(), mobula.put(7));
        assertEquals(List.of(3, 7), mobula.get(refs));
        ObjectRef<Integer> slow = mobula.task(TestFunctions::sleepMs, 2000).remote();
        GetTimeoutException e = assertThrows(GetTimeoutException.class, () -> mobula.get(slow, Duration.ofMillis(50)));
        assertTrue(e.getMessage().contains(slow.id()), e.getMessage());
        assertEquals(2000, slow.get(Duration.ofSeconds(30)));
    }

    @Test
    void waitReturnsReadyAndUnreadyInOrder() {
        // As first written: a task that finishes at once among a slow one. Once 'fast2' completing
        // while wait registered its waiters went uncounted, and wait slept until 'slow' was done.
        ObjectRef<Integer> fast = mobula.put(1);
        ObjectRef<Integer> slow = mobula.task(TestFunctions::sleepMs, 3000).remote();
        ObjectRef<Integer> fast2 = mobula.task(TestFunctions::add, 1, 1).remote();
        WaitResult<Integer> result = mobula.wait(List.of(fast, slow, fast2), 2, Duration.ofSeconds(10));
        assertEquals(List.of(fast, fast2), result.ready());
        assertEquals(List.of(slow), result.unready());
        WaitResult<Integer> timedOut = mobula.wait(List.of(slow), 1, Duration.ofMillis(20));
        assertEquals(List.of(), timedOut.ready());
        assertThrows(IllegalArgumentException.class, () -> mobula.wait(List.of(fast), 2, Duration.ZERO));
    }

    @Test
    void waitWakesWhenATaskFinishesWhileItWaits() throws InterruptedException {
        TestFunctions.gate = new CountDownLatch(1);
        ObjectRef<Integer> gated = mobula.task(TestFunctions::awaitGate).remote();
        Thread opener = Thread.ofPlatform().start(() -> {
            TestFunctions.gate.countDown();
        });
        WaitResult<Integer> woken = mobula.wait(List.of(gated), 1, Duration.ofSeconds(30));
        assertEquals(List.of(gated), woken.ready());
        assertEquals(7, gated.get());
        opener.join(10_000);
    }

    @Test
    void waitRefusesDuplicateRefsAndNumReturnsBelowOne() {
        ObjectRef<Integer> one = mobula.put(1);
        ObjectRef<Integer> two = mobula.put(2);
        IllegalArgumentException duplicate = assertThrows(IllegalArgumentException.class,
            () -> mobula.wait(List.of(one, two, one), 1, Duration.ZERO));
        assertTrue(duplicate.getMessage().contains(one.id()) && duplicate.getMessage().contains("more than once"),
            duplicate.getMessage());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
            () -> mobula.wait(List.of(one, two), 0, Duration.ZERO));
        assertTrue(zero.getMessage().contains("numReturns"), zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> mobula.wait(List.of(one), -1, Duration.ZERO));
    }

    @Test
    void getOfAListThrowsAsSoonAsOneTaskFails() {
        TestFunctions.gate = new CountDownLatch(1);
        try {
            ObjectRef<Integer> gated = mobula.task(TestFunctions::awaitGate).remote();
            ObjectRef<Integer> failing = mobula.task(TestFunctions::fail, "first to fail").remote();
            TaskException e = assertThrows(TaskException.class, () -> mobula.get(List.of(gated, failing)));
            assertTrue(e.getMessage().contains("first to fail"), e.getMessage());
            assertFalse(gated.isReady(), "the failure was thrown while the other task still ran");
        } finally {
            TestFunctions.gate.countDown();
        }
        List<ObjectRef<Integer>> ok = List.of(mobula.put(1), mobula.task(TestFunctions::add, 1, 1).remote());
        assertEquals(List.of(1, 2), mobula.get(ok, Duration.ofSeconds(30)));
        ObjectRef<Integer> slow = mobula.task(TestFunctions::sleepMs, 2000).remote();
        GetTimeoutException timeout = assertThrows(GetTimeoutException.class,
            () -> mobula.get(List.of(mobula.put(1), slow), Duration.ofMillis(20)));
        assertTrue(timeout.getMessage().contains("1 of 2"), timeout.getMessage());
    }

    @Test
    void aTaskWaitingInWaitLendsItsCpu() {
        // One CPU: the waiting task holds it unless wait lends it, and then its child never runs.
        try (Mobula oneCpu = Mobula.init(new NodeContext().cpus(1).storeCapacityBytes(8L << 20))) {
            assertEquals(1, oneCpu.task(TestFunctions::readyChildrenOfAWait).remote().get(Duration.ofSeconds(30)));
        }
    }

    @Test
    void theSchedulerNeverWaitsOnItsOwnFullRing() {
        // Completing one failed task wakes 64 dependents' argument waiters on the scheduler thread,
        // four times what its ring holds; publishing them to that ring once blocked it for good.
        TestFunctions.gate = new CountDownLatch(1);
        try (Mobula small = Mobula.init(new NodeContext().cpus(2).ringSize(16).storeCapacityBytes(8L << 20))) {
            ObjectRef<Integer> failing = small.task(TestFunctions::failAfterGate).remote();
            ObjectRef<Integer> middle = small.task(TestFunctions::add, failing, 1).remote();
            List<ObjectRef<Integer>> dependents = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                dependents.add(small.task(TestFunctions::add, middle, i).remote());
            }
            TestFunctions.gate.countDown();
            for (ObjectRef<Integer> dependent : dependents) {
                TaskException e = assertThrows(TaskException.class, () -> dependent.get(Duration.ofSeconds(20)));
                assertTrue(e.getMessage().contains("after the gate"), e.getMessage());
            }
            assertEquals(2, small.task(TestFunctions::add, 1, 1).remote().get(Duration.ofSeconds(20)));
        } finally {
            TestFunctions.gate.countDown();
        }
    }

    @Test
    void taskExceptionCarriesRemoteTypeMessageAndTrace() {
        ObjectRef<Integer> failed = mobula.task(TestFunctions::fail, "boom").remote();
        TaskException e = assertThrows(TaskException.class, failed::get);
        assertEquals(IllegalStateException.class.getName(), e.remoteClassName());
        assertEquals("boom", e.remoteMessage());
        assertTrue(e.remoteStackTrace().contains("TestFunctions.fail"), e.remoteStackTrace());
        assertTrue(e.getMessage().contains("TestFunctions.fail"), e.getMessage());
        // a task whose argument failed fails with that same cause, without running
        TaskException downstream = assertThrows(TaskException.class,
            () -> mobula.task(TestFunctions::add, failed, 1).remote().get());
        assertSame(e, downstream);
    }

    @Test
    void retryableExceptionsAreRetriedUpToMaxRetries() {
        TestFunctions.FLAKY_CALLS.set(0);
        assertEquals(3, mobula.task(TestFunctions::flaky, 2).maxRetries(2).retryExceptions(java.io.IOException.class)
            .remote().get());
        TestFunctions.FLAKY_CALLS.set(0);
        assertThrows(TaskException.class, () -> mobula.task(TestFunctions::flaky, 2).maxRetries(1).retryExceptions()
            .remote().get());
        TestFunctions.FLAKY_CALLS.set(0);
        // not marked retryable: no retry at all
        assertThrows(TaskException.class, () -> mobula.task(TestFunctions::flaky, 1).maxRetries(5).remote().get());
        assertEquals(1, TestFunctions.FLAKY_CALLS.get());
        assertThrows(IllegalArgumentException.class, () -> mobula.task(TestFunctions::one).maxRetries(-1));
    }

    @Test
    void unserializableArgumentFailsAtRemoteNamingPositionAndType() {
        UnserializableArgumentException e = assertThrows(UnserializableArgumentException.class,
            () -> mobula.task(TestFunctions::describe, new Thread()).remote());
        assertEquals(0, e.position());
        assertEquals(Thread.class, e.type());
        assertTrue(e.getMessage().contains("argument 0") && e.getMessage().contains("java.lang.Thread"), e.getMessage());
        // nested deep inside a value, and through put
        assertThrows(UnserializableArgumentException.class,
            () -> mobula.task(TestFunctions::describe, List.of(List.of(new Thread()))).remote());
        assertThrows(UnserializableArgumentException.class, () -> mobula.put(new java.io.ByteArrayInputStream(new byte[1])));
    }

    @Test
    void argumentOfTheWrongTypeFailsAtRemote() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> mobula.task(TestFunctions::add, "two", 3).remote());
        assertTrue(e.getMessage().contains("argument 0"), e.getMessage());
    }

    @Test
    void anEmbeddedNodeIsTheOnePlaceEveryStrategyMayChoose() {
        List<NodeInfo> nodes = mobula.nodes();
        assertEquals(1, nodes.size());
        NodeInfo self = nodes.get(0);
        assertEquals(ProcessHandle.current().pid(), self.pid());
        assertEquals(4.0, self.totalResources().get("CPU"));
        assertEquals(1, mobula.task(TestFunctions::one).scheduling(SchedulingStrategy.spread()).remote().get());
        assertEquals(1, mobula.task(TestFunctions::one).scheduling(SchedulingStrategy.nodeAffinity(self.id(), false)).remote().get());
        assertEquals(1, mobula.task(TestFunctions::one).scheduling(SchedulingStrategy.nodeAffinity("0123456789abcdef", true))
            .remote().get());
        InfeasibleResourcesException elsewhere = assertThrows(InfeasibleResourcesException.class, () -> mobula
            .task(TestFunctions::one).scheduling(SchedulingStrategy.nodeAffinity("0123456789abcdef", false)).remote());
        assertTrue(elsewhere.getMessage().contains("0123456789abcdef"), elsewhere.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SchedulingStrategy.nodeAffinity(" ", true));
    }

    @Test
    void infeasibleResourcesFailFastNamingRequestAndCapacity() {
        InfeasibleResourcesException gpu = assertThrows(InfeasibleResourcesException.class,
            () -> mobula.task(TestFunctions::one).resources("GPU", 1).remote());
        assertTrue(gpu.getMessage().contains("GPU: 1") && gpu.getMessage().contains("CPU: 4"), gpu.getMessage());
        assertThrows(InfeasibleResourcesException.class, () -> mobula.task(TestFunctions::one).resources("CPU", 5).remote());
        assertThrows(InfeasibleResourcesException.class, () -> mobula.task(TestFunctions::one).resources("lidar", 1).remote());
        assertThrows(IllegalArgumentException.class, () -> mobula.task(TestFunctions::one).resources("CPU", -1).remote());
    }

    @Test
    void fractionalAndCustomResourcesAreAccounted() throws Exception {
        // Eight half-CPU tasks fit at once on 4 CPUs: all are running together.
        TestFunctions.started = new CountDownLatch(8);
        List<ObjectRef<Integer>> refs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            refs.add(mobula.task(TestFunctions::sleepForever).resources("CPU", 0.5).remote());
        }
        assertTrue(TestFunctions.started.await(10, TimeUnit.SECONDS), "8 half-CPU tasks should run at once on 4 CPUs");
        assertEquals(0.0, mobula.availableResources().get("CPU"));
        // the custom resource: one camera, so camera tasks run one at a time
        ObjectRef<Integer> camera = mobula.task(TestFunctions::sleepMs, 10).resources(Map.of("camera", 1.0)).remote();
        assertEquals(10, camera.get(Duration.ofSeconds(10)));
        for (ObjectRef<Integer> ref : refs) {
            assertTrue(mobula.cancel(ref));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (mobula.availableResources().get("CPU") < 4.0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(4.0, mobula.availableResources().get("CPU"));
        assertEquals(1.0, mobula.totalResources().get("camera"));
    }

    @Test
    void cancelQueuedAndRunningTasks() throws Exception {
        TestFunctions.started = new CountDownLatch(1);
        TestFunctions.interrupted = new CountDownLatch(1);
        ObjectRef<Integer> running = mobula.task(TestFunctions::sleepUntilInterrupted).remote();
        assertTrue(TestFunctions.started.await(10, TimeUnit.SECONDS));
        assertTrue(mobula.cancel(running));
        assertThrows(TaskCancelledException.class, running::get);
        assertTrue(TestFunctions.interrupted.await(10, TimeUnit.SECONDS), "the running task was interrupted");

        // queued behind a task that holds every camera until the gate opens
        TestFunctions.gate = new CountDownLatch(1);
        TestFunctions.starts.set(0);
        ObjectRef<Integer> holder = mobula.task(TestFunctions::awaitGate).resources("camera", 1).remote();
        ObjectRef<Integer> queued = mobula.task(TestFunctions::countStart).resources("camera", 1).remote();
        assertTrue(mobula.cancel(queued));
        assertThrows(TaskCancelledException.class, queued::get);
        TestFunctions.gate.countDown();
        assertEquals(7, holder.get());
        // the next task of the same shape runs after where the cancelled one stood in the queue
        assertEquals(1, mobula.task(TestFunctions::countStart).resources("camera", 1).remote().get());
        assertEquals(1, TestFunctions.starts.get(), "the cancelled queued task never ran");

        ObjectRef<Integer> done = mobula.put(3);
        assertFalse(mobula.cancel(done));
        // a cancelled worker is not poisoned: the next task runs normally
        assertEquals(5, mobula.task(TestFunctions::add, 2, 3).remote().get());
    }

    @Test
    void nestedTasksFromInsideTasks() {
        assertEquals(55, mobula.task(TestFunctions::nestedSum, 10).remote().get());
        assertThrows(IllegalStateException.class, Mobula::current);
    }

    @Test
    void nestedGetsDoNotDeadlockWhenEveryCpuIsBusy() {
        // 4 CPUs, 8 tasks that each wait on a child task: only works if blocked tasks lend their CPU.
        List<ObjectRef<Integer>> refs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            refs.add(mobula.task(TestFunctions::nestedSum, 3).remote());
        }
        for (ObjectRef<Integer> ref : refs) {
            assertEquals(6, ref.get(Duration.ofSeconds(20)));
        }
    }

    @Test
    void actorCallsRunInSubmissionOrder() {
        ActorHandle<TestFunctions.Counter> counter = mobula.actor(TestFunctions.Counter::new).remote();
        ObjectRef<Integer> one = counter.task(TestFunctions.Counter::inc).remote();
        ObjectRef<Integer> two = counter.task(TestFunctions.Counter::inc).remote();
        assertEquals(List.of(1, 2), mobula.get(List.of(one, two)));
        List<ObjectRef<Integer>> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add(counter.task(TestFunctions.Counter::add, 1).remote());
        }
        for (int i = 0; i < 1000; i++) {
            assertEquals(3 + i, many.get(i).get());
        }
        assertNull(counter.task(TestFunctions.Counter::reset).remote().get());
        ActorHandle<TestFunctions.Counter> fromTen = mobula.actor(TestFunctions.Counter::startingAt, 10).remote();
        assertEquals(11, fromTen.task(TestFunctions.Counter::inc).remote().get());
    }

    @Test
    void actorsHoldNoCpuUnlessAsked() {
        List<ActorHandle<TestFunctions.Counter>> actors = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            actors.add(mobula.actor(TestFunctions.Counter::new).remote());
        }
        for (ActorHandle<TestFunctions.Counter> actor : actors) {
            assertEquals(1, actor.task(TestFunctions.Counter::inc).remote().get());
        }
        assertEquals(4.0, mobula.availableResources().get("CPU"));
        ActorHandle<TestFunctions.Counter> holder = mobula.actor(TestFunctions.Counter::new).resources("CPU", 2).remote();
        assertEquals(1, holder.task(TestFunctions.Counter::inc).remote().get());
        assertEquals(2.0, mobula.availableResources().get("CPU"));
        mobula.kill(holder);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (mobula.availableResources().get("CPU") < 4.0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(4.0, mobula.availableResources().get("CPU"));
    }

    @Test
    void actorsArePlacedWhileTasksKeepEveryCpuBusy() {
        List<ObjectRef<Integer>> backlog = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            backlog.add(mobula.task(TestFunctions::sleepMs, 5).remote()); // 4 CPUs: ~0.5 s of work
        }
        ActorHandle<TestFunctions.Counter> counter = mobula.actor(TestFunctions.Counter::new).remote();
        assertEquals(1, counter.task(TestFunctions.Counter::inc).remote().get(Duration.ofSeconds(10)));
        long done = backlog.stream().filter(ObjectRef::isReady).count();
        assertTrue(done < backlog.size(), "the actor waited for the whole backlog (" + done + " tasks done)");
        mobula.get(backlog);
    }

    @Test
    void anotherShapeIsNotStarvedByABacklog() {
        List<ObjectRef<Integer>> backlog = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            backlog.add(mobula.task(TestFunctions::sleepMs, 5).remote());
        }
        ObjectRef<Integer> other = mobula.task(TestFunctions::one).resources(Map.of("CPU", 2.0)).remote();
        assertEquals(1, other.get(Duration.ofSeconds(10)));
        long done = backlog.stream().filter(ObjectRef::isReady).count();
        assertTrue(done < backlog.size(), "the 2-CPU task waited for the whole backlog (" + done + " tasks done)");
        mobula.get(backlog);
    }

    @Test
    void aTaskDoesNotWaitBehindAQueueShortOfAResourceItDoesNotUse() {
        // The camera's queue keeps the camera for itself, not the CPUs: a CPU task runs at once.
        TestFunctions.gate = new CountDownLatch(1);
        try {
            ObjectRef<Integer> holdsTheCamera = mobula.task(TestFunctions::awaitGate).resources("camera", 1).remote();
            ObjectRef<Integer> waitsForTheCamera = mobula.task(TestFunctions::awaitGate).resources("camera", 1).remote();
            ObjectRef<Integer> needsACpu = mobula.task(TestFunctions::one).remote();
            assertEquals(1, needsACpu.get(Duration.ofSeconds(20)));
            assertFalse(waitsForTheCamera.isReady());
            TestFunctions.gate.countDown();
            assertEquals(List.of(7, 7), mobula.get(List.of(holdsTheCamera, waitsForTheCamera), Duration.ofSeconds(20)));
        } finally {
            TestFunctions.gate.countDown();
        }
    }

    @Test
    void namedActorsAreFoundAndNamesAreUnique() {
        ActorHandle<TestFunctions.Counter> counter = mobula.actor(TestFunctions.Counter::new).name("counter").remote();
        counter.task(TestFunctions.Counter::inc).remote().get();
        ActorHandle<TestFunctions.Counter> found = mobula.<TestFunctions.Counter>getActor("counter").orElseThrow();
        assertEquals(2, found.task(TestFunctions.Counter::inc).remote().get());
        assertEquals("counter", found.name());
        assertTrue(mobula.getActor("counter", TestFunctions.Counter.class).isPresent());
        assertThrows(ClassCastException.class, () -> mobula.getActor("counter", String.class));
        assertThrows(ActorNameTakenException.class, () -> mobula.actor(TestFunctions.Counter::new).name("counter").remote());
        assertTrue(mobula.getActor("nobody").isEmpty());
        mobula.kill(counter);
        assertTrue(mobula.getActor("counter").isEmpty());
        mobula.actor(TestFunctions.Counter::new).name("counter").remote(); // the name is free again
    }

    @Test
    void killedActorFailsQueuedAndLaterCalls() {
        ActorHandle<TestFunctions.Counter> counter = mobula.actor(TestFunctions.Counter::new).remote();
        ObjectRef<Integer> slow = counter.task(TestFunctions.Counter::slow, 5000).remote();
        ObjectRef<Integer> queued = counter.task(TestFunctions.Counter::inc).remote();
        mobula.kill(counter);
        assertThrows(ActorDiedException.class, slow::get);
        assertThrows(ActorDiedException.class, queued::get);
        assertThrows(ActorDiedException.class, () -> counter.task(TestFunctions.Counter::inc).remote().get());
        assertFalse(counter.isAlive());
    }

    @Test
    void actorMethodExceptionsFailOnlyThatCall() {
        ActorHandle<TestFunctions.Counter> counter = mobula.actor(TestFunctions.Counter::new).remote();
        counter.task(TestFunctions.Counter::inc).remote();
        TaskException e = assertThrows(TaskException.class, () -> counter.task(TestFunctions.Counter::fail).remote().get());
        assertEquals(IllegalArgumentException.class.getName(), e.remoteClassName());
        assertEquals(2, counter.task(TestFunctions.Counter::inc).remote().get());
    }

    @Test
    void fatalErrorsRestartTheActorUpToMaxRestarts() {
        ActorHandle<TestFunctions.Counter> counter = mobula.actor(TestFunctions.Counter::new).maxRestarts(1).remote();
        assertEquals(1, counter.task(TestFunctions.Counter::inc).remote().get());
        assertThrows(TaskException.class, () -> counter.task(TestFunctions.Counter::crash).remote().get());
        assertEquals(1, counter.task(TestFunctions.Counter::inc).remote().get(), "a restart runs the constructor again");
        assertEquals(1, counter.restarts());
        assertThrows(TaskException.class, () -> counter.task(TestFunctions.Counter::crash).remote().get());
        ActorDiedException dead = assertThrows(ActorDiedException.class,
            () -> counter.task(TestFunctions.Counter::inc).remote().get());
        assertTrue(dead.getMessage().contains("maxRestarts=1"), dead.getMessage());
    }

    @Test
    void constructorFailureKillsTheActor() {
        ActorHandle<TestFunctions.Exploding> actor = mobula.actor(TestFunctions.Exploding::new).remote();
        ActorDiedException e = assertThrows(ActorDiedException.class, () -> actor.task(TestFunctions.Exploding::ping).remote().get());
        assertTrue(e.getMessage().contains("cannot construct"), e.getMessage());
    }

    @Test
    void maxConcurrencyRunsCallsInParallel() throws Exception {
        ActorHandle<TestFunctions.Counter> actor = mobula.actor(TestFunctions.Counter::new).maxConcurrency(4).remote();
        TestFunctions.started = new CountDownLatch(4);
        List<ObjectRef<Integer>> refs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            refs.add(actor.task(TestFunctions.Counter::waitForAll).remote());
        }
        // each call waits until all four have started: only four threads at once get there
        for (ObjectRef<Integer> ref : refs) {
            assertEquals(4, ref.get(Duration.ofSeconds(20)));
        }
        assertThrows(IllegalArgumentException.class, () -> mobula.actor(TestFunctions.Counter::new).maxConcurrency(0).remote());
    }

    @Test
    void actorHandlesPassToTasks() {
        ActorHandle<TestFunctions.Counter> counter = mobula.actor(TestFunctions.Counter::new).remote();
        assertEquals(1, mobula.task(MobulaApiTest::incRemotely, counter).remote().get());
        assertEquals(2, counter.task(TestFunctions.Counter::inc).remote().get());
    }

    static int incRemotely(ActorHandle<TestFunctions.Counter> counter) {
        return counter.task(TestFunctions.Counter::inc).remote().get();
    }

    @Test
    void objectLargerThanTheStoreIsRefusedAtOnce() {
        RuntimeException tooBig = assertThrows(RuntimeException.class, () -> mobula.put(new byte[65 << 20]));
        assertTrue(tooBig.getMessage().contains("holds only"), tooBig.getMessage());
        assertEquals(2, mobula.task(TestFunctions::add, 1, 1).remote().get(), "the node keeps running");
    }

    @Test
    void fourTimesTheStoreOfReferencedObjectsAllReadBack() {
        // 64 MiB store: 256 MiB of 1 MiB arrays, every ref kept, so the store spills to disk
        List<ObjectRef<long[]>> refs = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            long[] values = new long[1 << 17];
            java.util.Arrays.fill(values, i);
            refs.add(mobula.put(values));
        }
        for (int i = 0; i < refs.size(); i++) {
            long[] back = refs.get(i).get();
            assertEquals(1 << 17, back.length);
            assertEquals(i, back[0]);
            assertEquals(i, back[back.length - 1]);
        }
    }

    @Test
    void closedRuntimeRefusesEveryCall() {
        ObjectRef<Integer> pending = mobula.task(TestFunctions::sleepMs, 5000).remote();
        ObjectRef<Integer> ready = mobula.put(1);
        mobula.close();
        mobula.close(); // idempotent
        assertTrue(mobula.isClosed());
        assertThrows(RuntimeClosedException.class, () -> mobula.task(TestFunctions::one).remote());
        assertThrows(RuntimeClosedException.class, () -> mobula.put(1));
        assertThrows(RuntimeClosedException.class, ready::get);
        assertThrows(RuntimeClosedException.class, () -> mobula.actor(TestFunctions.Counter::new).remote());
        RuntimeClosedException closed = assertThrows(RuntimeClosedException.class, pending::get);
        assertTrue(closed.getMessage().contains("Mobula.init"), "names the fix: " + closed.getMessage());
        assertTrue(pending.isReady(), "close ends what was running, so nothing waits on it for ever");
        assertThrows(RuntimeClosedException.class, () -> mobula.wait(List.of(ready), 1, Duration.ZERO));
        assertThrows(RuntimeClosedException.class, () -> mobula.get(List.of(ready)));
        assertThrows(RuntimeClosedException.class, () -> mobula.cancel(pending));
    }
}
