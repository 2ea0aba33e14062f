package io.mobula.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.mobula.ActorHandle;
import io.mobula.Mobula;
import io.mobula.ObjectFreedException;
import io.mobula.ObjectRef;
import io.mobula.ReturnCountException;
import io.mobula.RuntimeContext;
import io.mobula.TaskException;

/** The runtime context and free through a driver connected to a node in another process. */
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
    void aTaskOfSeveralReturnsGivesTheDriverOneRefPerValueAndAGeneratorIsRefusedForNow() {
        try (Mobula driver = Mobula.init(head.address())) {
            List<ObjectRef<double[]>> parts = driver.task(ConnectedCallSemanticsTest::halves, 1.5).numReturns(2).remoteEach();
            assertEquals(BIG, parts.get(0).get().length, "a large part");
            assertEquals(3.0, parts.get(1).get()[0]);
            assertEquals(1.5, driver.task(ConnectedCallSemanticsTest::first, parts.get(0)).remote().get(), "a part as an argument");

            List<ObjectRef<double[]>> wrong = driver.task(ConnectedCallSemanticsTest::halves, 1.0).numReturns(3).remoteEach();
            ReturnCountException e = assertThrows(ReturnCountException.class, wrong.get(2)::get);
            assertEquals(List.of(3, 2), List.of(e.expected(), e.actual()));

            UnsupportedOperationException generator = assertThrows(UnsupportedOperationException.class,
                () -> driver.task(ConnectedCallSemanticsTest::halves, 1.0).remoteGenerator());
            assertTrue(generator.getMessage().contains("not supported through a connected driver yet"), generator.getMessage());
        }
    }
}
