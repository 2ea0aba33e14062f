package io.mobula.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.mobula.ActorHandle;
import io.mobula.GetTimeoutException;
import io.mobula.Mobula;
import io.mobula.MobulaException;
import io.mobula.NodeDiedException;
import io.mobula.NodeInfo;
import io.mobula.ObjectFreedException;
import io.mobula.ObjectRef;
import io.mobula.ObjectRefGenerator;
import io.mobula.ReturnCountException;
import io.mobula.RuntimeClosedException;
import io.mobula.RuntimeContext;
import io.mobula.TaskException;
import io.mobula.cluster.daemon.StaleFiles;
import io.mobula.cluster.host.NodeRecord;
import io.mobula.cluster.host.StateDirectory;

/**
 * The runtime context, free, multiple returns and streaming generators through a driver connected to
 * a node in another process.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConnectedCallSemanticsTest {
    private static final int BIG = 1 << 20; // doubles: 8 MiB, kept in the node's store

    @TempDir
    Path home;
    private TemporaryHead head;

    /** A context as plain strings: job, node, task ("" if none), actor ("" if none), restarted. */
    static List<String> describe(RuntimeContext context) {
        return List.of(context.jobId(), context.nodeId(), context.taskId().orElse(""),
            context.actorId().isPresent() ? Long.toString(context.actorId().getAsLong()) : "",
            Boolean.toString(context.wasCurrentActorRestarted()));
    }

    static List<String> contextInTask() {
        return describe(Mobula.current().runtimeContext());
    }

    static long nodeStoreUsed() {
        return Mobula.current().storeStats().usedBytes();
    }

    static double[] big(double value) {
        double[] values = new double[BIG];
        Arrays.fill(values, value);
        return values;
    }

    static double first(double[] values) {
        return values[0];
    }

    static List<double[]> halves(double value) {
        return List.of(big(value), new double[] {value * 2});
    }

    // ---- streaming generators (they run on the node: gates and marks are files the test sees) ----

    /** Yields 0, then waits (up to 60 s) for the file {@code gate}, then yields 1 .. n-1. */
    static Iterator<Integer> countAfterFile(String gate, int n) {
        return new Iterator<>() {
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

    /** Yields 0, then waits to be stopped (interrupted), marking the file {@code stopped} when it is. */
    static Iterator<Integer> zeroThenUntilStopped(String stopped) {
        return new Iterator<>() {
            private boolean made;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                if (!made) {
                    made = true;
                    return 0;
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!Thread.currentThread().isInterrupted()) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("nobody stopped this generator within 60 s");
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                }
                try {
                    Files.writeString(Path.of(stopped), "stopped");
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                throw new IllegalStateException("stopped");
            }
        };
    }

    /** Yields two values, then fails. */
    static Iterator<String> failsAfterTwo() {
        return List.of("value 0", "value 1", "").stream().map(v -> {
            if (v.isEmpty()) {
                throw new IllegalStateException("the source broke after two values");
            }
            return v;
        }).iterator();
    }

    static String notAnIterator() {
        return "a string";
    }

    private static void awaitFile(Path file) {
        awaitTrue(() -> Files.exists(file), "the test never created " + file);
    }

    /** Waits up to 60 s for {@code condition}, which another thread or process makes true. */
    private static void awaitTrue(BooleanSupplier condition, String failure) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(failure);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    private static <T> List<T> valuesToTheEnd(ObjectRefGenerator<T> generator) {
        List<T> values = new ArrayList<>();
        while (true) {
            ObjectRef<T> ref;
            try {
                ref = generator.next(Duration.ofSeconds(30));
            } catch (NoSuchElementException end) {
                return values;
            }
            values.add(ref.get());
        }
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

    @BeforeEach
    void startAHead() {
        head = TemporaryHead.start(home, "{\"CPU\":2}");
    }

    @AfterEach
    void stopIt() {
        head.close();
    }

    @Test
    void workOnTheNodeSeesTheDriversJobAndItsOwnTaskAndActor() {
        try (Mobula driver = Mobula.init(head.address())) {
            RuntimeContext outside = driver.runtimeContext();
            assertTrue(outside.jobId().matches("[0-9a-f]{16}"), outside.jobId());
            assertEquals(driver.nodes().getFirst().id(), outside.nodeId(), "the driver runs on the node it connected to");
            assertTrue(outside.taskId().isEmpty() && outside.actorId().isEmpty());

            List<String> inTask = driver.task(ConnectedCallSemanticsTest::contextInTask).remote().get();
            assertEquals(List.of(outside.jobId(), outside.nodeId()), inTask.subList(0, 2), "the driver's job, on the node");
            assertTrue(inTask.get(2).matches("[0-9a-f]{32}"), "a task id: " + inTask.get(2));
            assertEquals(List.of("", "false"), inTask.subList(3, 5));

            ActorHandle<Probe> actor = driver.actor(Probe::new).maxRestarts(1).remote();
            List<String> inActor = actor.task(Probe::context).remote().get();
            assertEquals(List.of(outside.jobId(), outside.nodeId()), inActor.subList(0, 2));
            assertTrue(inActor.get(3).matches("\\d+"), "an actor id: " + inActor.get(3));
            assertEquals("false", inActor.get(4));
            assertThrows(TaskException.class, () -> actor.task(Probe::corrupt).remote().get());
            assertEquals("true", actor.task(Probe::context).remote().get().get(4), "built again after the Error");
        }
    }

    @Test
    void freeDropsValuesKeptInTheNodesStoreBeforeItReturns() {
        try (Mobula driver = Mobula.init(head.address())) {
            long before = driver.task(ConnectedCallSemanticsTest::nodeStoreUsed).remote().get();
            ObjectRef<double[]> put = driver.put(big(1.5)); // large: written into the node's store
            ObjectRef<double[]> made = driver.task(ConnectedCallSemanticsTest::big, 2.5).remote(); // kept there for the driver
            assertEquals(List.of(made), driver.wait(List.of(made), 1, Duration.ofSeconds(60)).ready());
            long full = driver.task(ConnectedCallSemanticsTest::nodeStoreUsed).remote().get();
            assertTrue(full - before >= 2L * BIG * Double.BYTES, before + " -> " + full + " bytes with two 8 MiB values");

            driver.free(List.of(put, made));
            long after = driver.task(ConnectedCallSemanticsTest::nodeStoreUsed).remote().get();
            assertTrue(full - after >= 2L * BIG * Double.BYTES, "the node still holds them: " + full + " -> " + after);

            ObjectFreedException e = assertThrows(ObjectFreedException.class, made::get);
            assertEquals(made.id(), e.objectId());
            assertThrows(ObjectFreedException.class, put::get);
            assertThrows(ObjectFreedException.class,
                () -> driver.task(ConnectedCallSemanticsTest::first, put).remote().get());
            driver.free(List.of(put, made)); // again: nothing more happens
        }
    }

    @Test
    void aTaskOfSeveralReturnsGivesTheDriverOneRefPerValue() {
        try (Mobula driver = Mobula.init(head.address())) {
            List<ObjectRef<double[]>> parts = driver.task(ConnectedCallSemanticsTest::halves, 1.5).numReturns(2).remoteEach();
            assertEquals(BIG, parts.get(0).get().length, "a large part");
            assertEquals(3.0, parts.get(1).get()[0]);
            assertEquals(1.5, driver.task(ConnectedCallSemanticsTest::first, parts.get(0)).remote().get(), "a part as an argument");

            List<ObjectRef<double[]>> wrong = driver.task(ConnectedCallSemanticsTest::halves, 1.0).numReturns(3).remoteEach();
            ReturnCountException e = assertThrows(ReturnCountException.class, wrong.get(2)::get);
            assertEquals(List.of(3, 2), List.of(e.expected(), e.actual()));
        }
    }

    @Test
    void aGeneratorsValuesReachTheDriverWhileItsTaskRunsOnTheNode() throws IOException {
        Path gate = home.resolve("gate");
        try (Mobula driver = Mobula.init(head.address())) {
            ObjectRefGenerator<Integer> counted = driver.task(ConnectedCallSemanticsTest::countAfterFile, gate.toString(), 4)
                .remoteGenerator();
            ObjectRef<Integer> first = counted.next(Duration.ofSeconds(30)); // the task waits at the shut gate on the node
            assertEquals(0, first.get());
            assertThrows(GetTimeoutException.class, () -> counted.next(Duration.ofMillis(200)),
                "nothing more until the gate opens");
            Files.createFile(gate);
            assertEquals(List.of(1, 2, 3), valuesToTheEnd(counted), "in order, then the end");

            ObjectRefGenerator<double[]> parts = driver.task(ConnectedCallSemanticsTest::halves, 1.5).remoteGenerator();
            ObjectRef<double[]> large = parts.next(Duration.ofSeconds(30));
            assertEquals(BIG, large.get().length, "a large value, kept in the node's store");
            assertEquals(3.0, parts.next(Duration.ofSeconds(30)).get()[0]);
            assertEquals(1.5, driver.task(ConnectedCallSemanticsTest::first, large).remote().get(), "a value as an argument");
            assertThrows(NoSuchElementException.class, () -> parts.next(Duration.ofSeconds(30)));

            ObjectRefGenerator<String> broken = driver.task(ConnectedCallSemanticsTest::failsAfterTwo).remoteGenerator();
            assertEquals("value 0", broken.next(Duration.ofSeconds(30)).get());
            assertEquals("value 1", broken.next(Duration.ofSeconds(30)).get());
            TaskException failed = assertThrows(TaskException.class, broken.next(Duration.ofSeconds(30))::get);
            assertTrue(failed.getMessage().contains("the source broke after two values"), failed.getMessage());
            assertThrows(NoSuchElementException.class, () -> broken.next(Duration.ofSeconds(30)), "the failure is the last");

            ObjectRefGenerator<Object> wrong = driver.task(ConnectedCallSemanticsTest::notAnIterator).remoteGenerator();
            MobulaException notOne = assertThrows(MobulaException.class, wrong.next(Duration.ofSeconds(30))::get);
            assertTrue(notOne.getMessage().contains("remoteGenerator()"), notOne.getMessage());
        }
    }

    @Test
    void anIsolatedGeneratorStreamsFromItsWorkerProcessThroughTheNodeToTheDriver() throws IOException {
        Path gate = home.resolve("isolated-gate");
        try (Mobula driver = Mobula.init(head.address())) {
            ObjectRefGenerator<Integer> counted = driver.task(ConnectedCallSemanticsTest::countAfterFile, gate.toString(), 3)
                .isolated().remoteGenerator();
            assertEquals(0, counted.next(Duration.ofSeconds(30)).get(), "while the worker process waits at the gate");
            Files.createFile(gate);
            assertEquals(List.of(1, 2), valuesToTheEnd(counted));

            ObjectRefGenerator<String> broken = driver.task(ConnectedCallSemanticsTest::failsAfterTwo).isolated()
                .remoteGenerator();
            assertEquals("value 0", broken.next(Duration.ofSeconds(30)).get());
            assertEquals("value 1", broken.next(Duration.ofSeconds(30)).get());
            TaskException failed = assertThrows(TaskException.class, broken.next(Duration.ofSeconds(30))::get);
            assertTrue(failed.getMessage().contains("the source broke after two values"), failed.getMessage());
            assertThrows(NoSuchElementException.class, () -> broken.next(Duration.ofSeconds(30)));
        }
    }

    @Test
    void aDriverThatClosesMidStreamEndsItsGeneratorAndTheNodeStopsTheTask() {
        Path stopped = home.resolve("stopped");
        ObjectRefGenerator<Integer> endless;
        try (Mobula driver = Mobula.init(head.address())) {
            endless = driver.task(ConnectedCallSemanticsTest::zeroThenUntilStopped, stopped.toString()).remoteGenerator();
            assertEquals(0, endless.next(Duration.ofSeconds(30)).get());
        }
        ObjectRef<Integer> last = endless.next(Duration.ofSeconds(30)); // ended, not waiting on: a ref, not a timeout
        assertThrows(RuntimeClosedException.class, last::get);
        assertThrows(NoSuchElementException.class, () -> endless.next(Duration.ofSeconds(1)));
        awaitTrue(() -> Files.exists(stopped), "the node did not stop the generator of a driver that left");
    }

    @Test
    void aGeneratorWhoseNodeDiesMidStreamEndsWithTheNodesDeath() throws Exception {
        assertEquals(0, Cli.code("start", "--address", head.address(), "--resources", "{\"CPU\":2,\"camera\":1}"));
        Path gate = home.resolve("never-opened");
        try (Mobula driver = Mobula.init(head.address())) {
            awaitTrue(() -> driver.nodes().stream().filter(NodeInfo::alive).count() == 2, "the second node did not join");
            // only the second node has a camera: the head passes the call, and the reads, on to it
            ObjectRefGenerator<Integer> counted = driver.task(ConnectedCallSemanticsTest::countAfterFile, gate.toString(), 3)
                .resources("camera", 1).remoteGenerator();
            assertEquals(0, counted.next(Duration.ofSeconds(30)).get());
            NodeRecord camera = new StateDirectory(home).nodes().stream().filter(n -> !n.head()).findFirst().orElseThrow();
            ProcessHandle.of(camera.pid()).orElseThrow().destroyForcibly(); // kill -9, while the task waits at the gate

            ObjectRef<Integer> last = counted.next(Duration.ofSeconds(60)); // its death is heard within the head's dead-after
            NodeDiedException died = assertThrows(NodeDiedException.class, last::get);
            assertTrue(died.getMessage().contains(camera.address()), died.getMessage());
            assertThrows(NoSuchElementException.class, () -> counted.next(Duration.ofSeconds(1)));
        }
        StaleFiles.removeDeadProcessFiles(Path.of("/dev/shm")); // what the killed node left
    }
}
