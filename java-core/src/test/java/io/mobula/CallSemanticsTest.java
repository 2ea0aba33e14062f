package io.mobula;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Ray's remaining call semantics on an embedded node: the runtime context and free. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CallSemanticsTest {
    private static final int BIG = 1 << 20; // doubles: 8 MiB, far above the inline threshold
    static volatile CountDownLatch gate = new CountDownLatch(1);

    private Mobula mobula;

    @BeforeEach
    void start() {
        mobula = Mobula.init(new NodeContext().cpus(4).storeCapacityBytes(64L << 20)
            .storeCreateTimeout(200, TimeUnit.MILLISECONDS));
    }

    @AfterEach
    void stop() {
        mobula.close();
    }

    /** A context as plain strings: job, node, task ("" if none), actor ("" if none), restarted. */
    static List<String> describe(RuntimeContext context) {
        return List.of(context.jobId(), context.nodeId(), context.taskId().orElse(""),
            context.actorId().isPresent() ? Long.toString(context.actorId().getAsLong()) : "",
            Boolean.toString(context.wasCurrentActorRestarted()));
    }

    static List<String> contextInTask() {
        return describe(Mobula.current().runtimeContext());
    }

    /** The context of a task this task submits (its task id differs, its job does not). */
    static List<String> contextOfNestedTask() {
        return Mobula.current().task(CallSemanticsTest::contextInTask).remote().get();
    }

    static double[] big(double value) {
        double[] values = new double[BIG];
        java.util.Arrays.fill(values, value);
        return values;
    }

    static double[] bigAfterGate(double value) throws InterruptedException {
        if (!gate.await(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the test never opened the gate");
        }
        return big(value);
    }

    static double first(double[] values) {
        return values[0];
    }

    static int fail(String why) {
        throw new IllegalStateException(why);
    }

    static final class Probe {
        Probe() {
        }

        List<String> context() {
            return describe(Mobula.current().runtimeContext());
        }

        int corrupt() {
            throw new AssertionError("state corrupted: the actor restarts");
        }
    }

    // ---- the runtime context ----

    @Test
    void outsideATaskTheContextNamesTheJobAndNodeAndNoTaskOrActor() {
        RuntimeContext context = mobula.runtimeContext();
        assertTrue(context.jobId().matches("[0-9a-f]{16}"), context.jobId());
        assertEquals(mobula.nodes().getFirst().id(), context.nodeId());
        assertTrue(context.taskId().isEmpty());
        assertTrue(context.actorId().isEmpty());
        assertFalse(context.wasCurrentActorRestarted());
        assertEquals(context, mobula.runtimeContext(), "an immutable value: the same where nothing changed");
    }

    @Test
    void insideATaskTheContextNamesThatTaskAndItsNestedTasksShareTheJob() {
        RuntimeContext outside = mobula.runtimeContext();
        ObjectRef<List<String>> ref = mobula.task(CallSemanticsTest::contextInTask).remote();
        List<String> inTask = ref.get();
        assertEquals(List.of(outside.jobId(), outside.nodeId(), ref.id(), "", "false"), inTask);

        ObjectRef<List<String>> parent = mobula.task(CallSemanticsTest::contextOfNestedTask).remote();
        List<String> nested = parent.get();
        assertEquals(outside.jobId(), nested.get(0));
        assertTrue(nested.get(2).matches("[0-9a-f]{32}"), nested.get(2));
        assertNotEquals(parent.id(), nested.get(2), "the nested task is a task of its own");
    }

    @Test
    void insideAnActorTheContextNamesTheActorTheCallAndARestart() {
        ActorHandle<Probe> actor = mobula.actor(Probe::new).maxRestarts(1).remote();
        ObjectRef<List<String>> call = actor.task(Probe::context).remote();
        List<String> before = call.get();
        assertEquals(List.of(mobula.runtimeContext().jobId(), mobula.runtimeContext().nodeId(), call.id(),
            Long.toString(actor.id()), "false"), before);

        assertThrows(TaskException.class, () -> actor.task(Probe::corrupt).remote().get());
        List<String> after = actor.task(Probe::context).remote().get();
        assertEquals("true", after.get(4), "the actor was built again after the Error");
        assertEquals(Long.toString(actor.id()), after.get(3));
    }

    // ---- free ----

    @Test
    void freeGivesTheMemoryBackAtOnceAndLaterReadsSayTheObjectWasFreed() {
        StoreStats empty = mobula.storeStats();
        ObjectRef<double[]> put = mobula.put(big(1.5));
        ObjectRef<double[]> made = mobula.task(CallSemanticsTest::big, 2.5).remote();
        assertEquals(2.5, made.get()[0]);
        StoreStats full = mobula.storeStats();
        assertTrue(full.usedBytes() - empty.usedBytes() >= 2L * BIG * Double.BYTES, full + " after two 8 MiB values");
        assertEquals(empty.objectCount() + 2, full.objectCount());

        mobula.free(List.of(put, made));
        StoreStats freed = mobula.storeStats(); // no collection needed: free deletes now
        assertEquals(empty.usedBytes(), freed.usedBytes(), "the memory of both values returned at once");
        assertEquals(empty.objectCount(), freed.objectCount());

        ObjectFreedException e = assertThrows(ObjectFreedException.class, put::get);
        assertEquals(put.id(), e.objectId());
        assertTrue(e.getMessage().contains(put.id()) && e.getMessage().contains("freed"), e.getMessage());
        assertThrows(ObjectFreedException.class, () -> made.get(Duration.ofSeconds(1)));
        assertTrue(put.isReady(), "a freed ref is settled: wait() does not hang on it");

        // work taking a freed ref fails with the same, typed
        ObjectFreedException asArgument = assertThrows(ObjectFreedException.class,
            () -> mobula.task(CallSemanticsTest::first, made).remote().get());
        assertEquals(made.id(), asArgument.objectId());

        mobula.free(List.of(put, put, made)); // twice, and the same ref twice in one list: nothing more happens
        assertEquals(empty.usedBytes(), mobula.storeStats().usedBytes());
        assertThrows(ObjectFreedException.class, put::get);
    }

    @Test
    void freeingAPendingRefFailsItsReadsAtOnceAndDropsTheValueWhenItIsMade() {
        gate = new CountDownLatch(1);
        StoreStats empty = mobula.storeStats();
        ObjectRef<double[]> pending = mobula.task(CallSemanticsTest::bigAfterGate, 3.5).remote();
        ObjectRef<Double> dependent = mobula.task(CallSemanticsTest::first, pending).remote();
        mobula.free(List.of(pending));
        assertThrows(ObjectFreedException.class, () -> pending.get(Duration.ofSeconds(5)), "no wait for the work");
        assertThrows(ObjectFreedException.class, () -> dependent.get(Duration.ofSeconds(5)));

        gate.countDown(); // the task runs on and makes its value, which is dropped as soon as it is stored
        awaitTrue(() -> mobula.storeStats().objectCount() == empty.objectCount()
            && mobula.storeStats().usedBytes() == empty.usedBytes(), "the freed task's value left in the store");
        assertThrows(ObjectFreedException.class, pending::get);
    }

    @Test
    void aFailedRefReadsAsFreedOnceFreedAndBadInputIsRefused() {
        ObjectRef<Integer> failed = mobula.task(CallSemanticsTest::fail, "on purpose").remote();
        assertThrows(TaskException.class, failed::get);
        mobula.free(List.of(failed));
        assertThrows(ObjectFreedException.class, failed::get);

        mobula.free(List.of()); // nothing to do
        assertThrows(IllegalArgumentException.class, () -> mobula.free(null));
        try (Mobula other = Mobula.init(new NodeContext().cpus(1).storeCapacityBytes(8L << 20))) {
            ObjectRef<Integer> foreign = other.put(7);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mobula.free(List.of(foreign)));
            assertTrue(e.getMessage().contains("another Mobula runtime"), e.getMessage());
            assertEquals(7, foreign.get(), "a refused free changed nothing");
        }
    }

    // ---- multiple returns ----

    static List<double[]> thirds(int n) {
        return List.of(big(1), big(2), big(3)).stream().map(values -> java.util.Arrays.copyOf(values, n)).toList();
    }

    static int[] pair(int a) {
        return new int[] {a, a * 10};
    }

    static List<Integer> twoValues() {
        return List.of(1, 2);
    }

    static String notAList() {
        return "one value";
    }

    static List<Integer> throwsInstead() {
        throw new IllegalStateException("no values today");
    }

    @Test
    void numReturnsStoresEachValueAsItsOwnObject() {
        StoreStats empty = mobula.storeStats();
        List<ObjectRef<double[]>> parts = mobula.task(CallSemanticsTest::thirds, BIG).numReturns(3).remoteEach();
        assertEquals(3, parts.size());
        assertEquals(3, parts.stream().map(ObjectRef::id).distinct().count(), "three objects");
        assertEquals(2.0, mobula.task(CallSemanticsTest::first, parts.get(1)).remote().get(), "one part as an argument");
        for (int i = 0; i < 3; i++) {
            assertEquals(i + 1.0, parts.get(i).get()[BIG - 1]);
        }
        assertEquals(empty.objectCount() + 3, mobula.storeStats().objectCount(), "each 8 MiB part its own store object");
        mobula.free(List.of(parts.get(0)));
        assertThrows(ObjectFreedException.class, parts.get(0)::get);
        assertEquals(3.0, parts.get(2).get()[0], "freeing one part leaves the others");

        List<ObjectRef<Integer>> fromArray = mobula.task(CallSemanticsTest::pair, 4).numReturns(2).remoteEach();
        assertEquals(List.of(4, 40), mobula.get(fromArray));
        assertEquals(7, mobula.task(CallSemanticsTest::pair, 7).numReturns(1).remote().get()[0], "numReturns(1): a plain task");
    }

    @Test
    void aWrongCountOrTypeFailsEveryRefNamingTheCounts() {
        List<ObjectRef<Integer>> tooFew = mobula.task(CallSemanticsTest::twoValues).numReturns(3).remoteEach();
        for (ObjectRef<Integer> ref : tooFew) {
            ReturnCountException e = assertThrows(ReturnCountException.class, ref::get);
            assertEquals(List.of(3, 2), List.of(e.expected(), e.actual()));
            assertTrue(e.getMessage().contains("numReturns(3)") && e.getMessage().contains("returned 2 values"), e.getMessage());
        }
        List<ObjectRef<Object>> single = mobula.task(CallSemanticsTest::notAList).numReturns(2).remoteEach();
        ReturnCountException notAList = assertThrows(ReturnCountException.class, single.get(1)::get);
        assertEquals(-1, notAList.actual());
        assertTrue(notAList.getMessage().contains("java.lang.String"), notAList.getMessage());

        List<ObjectRef<Integer>> failed = mobula.task(CallSemanticsTest::throwsInstead).numReturns(2).remoteEach();
        for (ObjectRef<Integer> ref : failed) {
            TaskException e = assertThrows(TaskException.class, ref::get);
            assertTrue(e.getMessage().contains("no values today"), e.getMessage());
        }

        assertThrows(IllegalArgumentException.class, () -> mobula.task(CallSemanticsTest::twoValues).numReturns(0));
        assertThrows(IllegalArgumentException.class, () -> mobula.task(CallSemanticsTest::twoValues).numReturns(-2));
        IllegalStateException plain = assertThrows(IllegalStateException.class,
            () -> mobula.task(CallSemanticsTest::twoValues).numReturns(2).remote());
        assertTrue(plain.getMessage().contains("remoteEach"), plain.getMessage());
    }

    @Test
    void cancellingATaskOfSeveralReturnsCancelsEveryRef() throws InterruptedException {
        gate = new CountDownLatch(1);
        ObjectRef<double[]> blocker = mobula.task(CallSemanticsTest::bigAfterGate, 1.0).resources("CPU", 4).remote();
        List<ObjectRef<Integer>> queued = mobula.task(CallSemanticsTest::twoValues).numReturns(2).remoteEach();
        assertTrue(mobula.cancel(queued.get(1)));
        for (ObjectRef<Integer> ref : queued) {
            assertThrows(TaskCancelledException.class, () -> ref.get(Duration.ofSeconds(5)));
        }
        gate.countDown();
        assertEquals(1.0, blocker.get()[0]);
    }

    // ---- streaming generators ----

    /** Yields 0, then waits for the gate, then yields 1 .. n-1. */
    static java.util.stream.Stream<Integer> countAfterGate(int n) {
        return java.util.stream.IntStream.range(0, n).boxed().map(i -> {
            if (i == 1) {
                try {
                    if (!gate.await(20, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test never opened the gate");
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return i;
        });
    }

    /** Yields two values, then fails. */
    static java.util.Iterator<String> failsAfterTwo() {
        return new java.util.Iterator<>() {
            private int made;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public String next() {
                if (made == 2) {
                    throw new IllegalStateException("the source broke after two values");
                }
                return "value " + made++;
            }
        };
    }

    static List<double[]> bigValues() {
        return List.of(big(1), big(2));
    }

    @Test
    void aGeneratorsValuesArriveAsTheyAreProducedAndTheStreamEnds() {
        gate = new CountDownLatch(1);
        ObjectRefGenerator<Integer> counted = mobula.task(CallSemanticsTest::countAfterGate, 4).remoteGenerator();
        ObjectRef<Integer> first = counted.next(Duration.ofSeconds(20)); // the task is still held at the gate
        assertEquals(0, first.get());
        assertThrows(GetTimeoutException.class, () -> counted.next(Duration.ofMillis(50)), "nothing more until the gate opens");
        gate.countDown();
        List<Integer> rest = new java.util.ArrayList<>();
        for (ObjectRef<Integer> ref : counted) {
            rest.add(ref.get());
        }
        assertEquals(List.of(1, 2, 3), rest);
        assertThrows(java.util.NoSuchElementException.class, () -> counted.next(Duration.ofSeconds(1)), "the end");

        StoreStats before = mobula.storeStats();
        ObjectRefGenerator<double[]> large = mobula.task(CallSemanticsTest::bigValues).remoteGenerator();
        ObjectRef<double[]> one = large.next(Duration.ofSeconds(20));
        ObjectRef<double[]> two = large.next(Duration.ofSeconds(20));
        assertEquals(List.of(1.0, 2.0), List.of(one.get()[0], two.get()[BIG - 1]));
        assertEquals(before.objectCount() + 2, mobula.storeStats().objectCount(), "each value its own object");
    }

    @Test
    void aGeneratorsFailureSurfacesAtTheValueItStoppedAt() {
        ObjectRefGenerator<String> broken = mobula.task(CallSemanticsTest::failsAfterTwo).remoteGenerator();
        assertEquals("value 0", broken.next(Duration.ofSeconds(20)).get());
        assertEquals("value 1", broken.next(Duration.ofSeconds(20)).get());
        ObjectRef<String> third = broken.next(Duration.ofSeconds(20));
        TaskException e = assertThrows(TaskException.class, third::get);
        assertTrue(e.getMessage().contains("the source broke after two values"), e.getMessage());
        assertThrows(java.util.NoSuchElementException.class, () -> broken.next(Duration.ofSeconds(1)));

        ObjectRefGenerator<Object> notAGenerator = mobula.task(CallSemanticsTest::notAList).remoteGenerator();
        MobulaException wrong = assertThrows(MobulaException.class, () -> notAGenerator.next(Duration.ofSeconds(20)).get());
        assertTrue(wrong.getMessage().contains("remoteGenerator()") && wrong.getMessage().contains("java.lang.String"),
            wrong.getMessage());
    }

    /**
     * Yields 0, then waits (up to 60 s) for the file {@code gate} to exist, then yields 1 .. n-1: a
     * gate the test opens from another process than the task's.
     */
    static java.util.Iterator<Integer> countAfterFile(String gate, int n) {
        return new java.util.Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < n;
            }

            @Override
            public Integer next() {
                if (next == 1) {
                    awaitFile(Path.of(gate));
                }
                return next++;
            }
        };
    }

    private static void awaitFile(Path file) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the test never created " + file);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /** Yields one value, then ends its process with {@code status}. */
    static java.util.Iterator<String> haltsAfterOne(int status) {
        return new java.util.Iterator<>() {
            private boolean made;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public String next() {
                if (made) {
                    Runtime.getRuntime().halt(status);
                }
                made = true;
                return "one";
            }
        };
    }

    @Test
    void anIsolatedGeneratorStreamsEachValueOutOfItsWorkerProcessAsItIsMade(@TempDir Path dir) throws IOException {
        Path gate = dir.resolve("gate");
        ObjectRefGenerator<Integer> counted = mobula.task(CallSemanticsTest::countAfterFile, gate.toString(), 4).isolated()
            .remoteGenerator();
        ObjectRef<Integer> first = counted.next(Duration.ofSeconds(30)); // the worker waits for the gate, which is shut
        assertEquals(0, first.get());
        assertThrows(GetTimeoutException.class, () -> counted.next(Duration.ofMillis(200)), "nothing more until the gate opens");
        Files.createFile(gate);
        List<Integer> rest = new java.util.ArrayList<>();
        for (ObjectRef<Integer> ref : counted) {
            rest.add(ref.get());
        }
        assertEquals(List.of(1, 2, 3), rest);
        assertThrows(java.util.NoSuchElementException.class, () -> counted.next(Duration.ofSeconds(1)), "the end");

        ObjectRefGenerator<String> broken = mobula.task(CallSemanticsTest::failsAfterTwo).isolated().remoteGenerator();
        assertEquals("value 0", broken.next(Duration.ofSeconds(30)).get());
        assertEquals("value 1", broken.next(Duration.ofSeconds(30)).get());
        TaskException failed = assertThrows(TaskException.class, broken.next(Duration.ofSeconds(30))::get);
        assertTrue(failed.getMessage().contains("the source broke after two values"), failed.getMessage());
        assertEquals(IllegalStateException.class.getName(), failed.remoteClassName());
        assertThrows(java.util.NoSuchElementException.class, () -> broken.next(Duration.ofSeconds(1)));

        ObjectRefGenerator<String> crashing = mobula.task(CallSemanticsTest::haltsAfterOne, 7).isolated().remoteGenerator();
        assertEquals("one", crashing.next(Duration.ofSeconds(30)).get());
        WorkerCrashedException crash = assertThrows(WorkerCrashedException.class, crashing.next(Duration.ofSeconds(30))::get);
        assertEquals(7, crash.exitStatus());
        assertThrows(java.util.NoSuchElementException.class, () -> crashing.next(Duration.ofSeconds(1)), "not run again");
    }

    /** Waits up to 20 s for {@code condition}, which other threads make true. */
    private static void awaitTrue(BooleanSupplier condition, String failure) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(failure);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
