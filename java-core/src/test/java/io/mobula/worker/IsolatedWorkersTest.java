package io.mobula.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
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

import io.mobula.runtime.RuntimeAccess;
import io.mobula.ActorDiedException;
import io.mobula.ActorHandle;
import io.mobula.Mobula;
import io.mobula.NodeContext;
import io.mobula.ObjectRef;
import io.mobula.TaskException;
import io.mobula.WorkerCrashedException;

/** Isolated tasks and actors in real worker processes: values, crashes, retries, restarts, shutdown. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class IsolatedWorkersTest {
    private static final long SELF = ProcessHandle.current().pid();
    private static Mobula mobula;

    @TempDir
    Path temp;

    @BeforeAll
    static void start() {
        mobula = Mobula.init(new NodeContext().cpus(4).storeCapacityBytes(64L << 20).isolatedWorkers(1));
    }

    @AfterAll
    static void stop() {
        mobula.close();
    }

    @Test
    void anIsolatedTaskReturnsItsValueFromAnotherProcess() {
        long pid = mobula.task(IsolatedFunctions::pid).isolated().remote().get();
        assertNotEquals(SELF, pid);
        assertTrue(ProcessHandle.of(pid).isPresent(), "the worker stays up for the next task");
        assertEquals(5, mobula.task(IsolatedFunctions::add, 2, 3).isolated().remote().get());
        ObjectRef<double[]> values = mobula.put(new double[] {1, 2, 3});
        assertArrayEquals(new double[] {2, 4, 6}, mobula.task(IsolatedFunctions::scale, values, 2.0).isolated().remote().get());
        long lambdaPid = mobula.task(() -> ProcessHandle.current().pid()).isolated().remote().get();
        assertNotEquals(SELF, lambdaPid);
    }

    @Test
    void whatAnIsolatedTaskThrowsArrivesWithItsTypeAndIsRetriedByName() {
        TaskException thrown = assertThrows(TaskException.class,
            () -> mobula.task(IsolatedFunctions::failWithIo, "disk on fire").isolated().remote().get());
        assertEquals("java.io.IOException", thrown.remoteClassName());
        assertEquals("disk on fire", thrown.remoteMessage());
        assertTrue(thrown.remoteStackTrace().contains("failWithIo"), thrown.remoteStackTrace());

        String marker = temp.resolve("failed-once").toString();
        assertEquals("second attempt", mobula.task(IsolatedFunctions::failOnce, marker).isolated().maxRetries(1)
            .retryExceptions(java.io.IOException.class).remote().get());
        String otherMarker = temp.resolve("failed-once-not-retried").toString();
        assertThrows(TaskException.class, () -> mobula.task(IsolatedFunctions::failOnce, otherMarker).isolated().maxRetries(1)
            .retryExceptions(IllegalStateException.class).remote().get());
    }

    @Test
    void aTaskThatExitsFailsWithWorkerCrashedAfterItsRetries() {
        WorkerCrashedException crash = assertThrows(WorkerCrashedException.class,
            () -> mobula.task(IsolatedFunctions::exit, 3).isolated().maxRetries(1).remote().get());
        assertEquals(3, crash.exitStatus());
        assertEquals(2, crash.attempts());
        assertNotEquals(SELF, crash.pid());
        assertTrue(crash.getMessage().contains("IsolatedFunctions.exit"), crash.getMessage());
        assertTrue(crash.getMessage().contains("pid " + crash.pid()), crash.getMessage());
        assertTrue(crash.getMessage().contains("exit status 3"), crash.getMessage());

        WorkerCrashedException halted = assertThrows(WorkerCrashedException.class,
            () -> mobula.task(IsolatedFunctions::halt, 5).isolated().remote().get());
        assertEquals(5, halted.exitStatus());
        assertEquals(4, halted.attempts(), "a crash is retried 3 times by default");
        assertEquals(5, mobula.task(IsolatedFunctions::add, 2, 3).isolated().remote().get(), "the pool replaced them");
    }

    @Test
    void aTaskThatCrashesOnlyOnItsFirstAttemptSucceedsWithOneRetry() {
        String marker = temp.resolve("crashed-once").toString();
        String result = mobula.task(IsolatedFunctions::crashOnce, marker).isolated().maxRetries(1).remote().get();
        assertTrue(result.startsWith("ran again in "), result);
    }

    @Test
    void anActorWhoseWorkerDiesWhileItIsBuiltIsBuiltAgainWhileRestartsAllow() throws Exception {
        // Once: the creation's failure was final (ActorDiedException "could not be created").
        String marker = temp.resolve("built-once").toString();
        ActorHandle<IsolatedFunctions.CrashesWhileBuiltOnce> actor = mobula.actor(IsolatedFunctions.CrashesWhileBuiltOnce::new,
            marker).isolated().maxRestarts(1).remote();
        long pid = actor.task(IsolatedFunctions.CrashesWhileBuiltOnce::pid).remote().get(Duration.ofSeconds(60));
        assertTrue(pid != Long.parseLong(Files.readString(Path.of(marker))), "built in a fresh worker process");
        assertEquals(1, actor.restarts());
        String again = temp.resolve("built-once-no-restarts").toString();
        ActorHandle<IsolatedFunctions.CrashesWhileBuiltOnce> noRestarts = mobula.actor(
            IsolatedFunctions.CrashesWhileBuiltOnce::new, again).isolated().remote();
        assertThrows(ActorDiedException.class,
            () -> noRestarts.task(IsolatedFunctions.CrashesWhileBuiltOnce::pid).remote().get(Duration.ofSeconds(60)));
    }

    @Test
    void theNodeKeepsServingOtherTasksWhileAWorkerCrashes() {
        ObjectRef<Integer> crashing = mobula.task(IsolatedFunctions::exitAfter, 300, 4).isolated().remote();
        List<ObjectRef<Integer>> others = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            others.add(mobula.task(IsolatedFunctions::add, i, 1).remote());
        }
        for (int i = 0; i < 200; i++) {
            assertEquals(i + 1, others.get(i).get());
        }
        assertEquals(4, assertThrows(WorkerCrashedException.class, crashing::get).exitStatus());
        for (int i = 0; i < 20; i++) {
            assertEquals(i + 1, mobula.task(IsolatedFunctions::add, i, 1).remote().get());
        }
        assertEquals(7, mobula.task(IsolatedFunctions::add, 3, 4).isolated().remote().get());
    }

    @Test
    void aForcedCancelOfARunningIsolatedTaskKillsItsWorkerProcess() throws Exception {
        Path marker = temp.resolve("forced");
        ObjectRef<Integer> sleeping = mobula.task(IsolatedFunctions::markThenSleepNotingInterrupt, marker.toString(), 600_000)
            .isolated().remote();
        long pid = awaitPid(marker);
        assertTrue(mobula.cancel(sleeping, true, true));
        // cancelled, not crashed (WorkerCrashedException): the kill was the cancel's
        assertThrows(io.mobula.TaskCancelledException.class, sleeping::get);
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
        assertFalse(java.nio.file.Files.exists(Path.of(marker + ".interrupted")), "killed, not interrupted");
        awaitAllCpusFree();
        long next = mobula.task(IsolatedFunctions::pid).isolated().remote().get();
        assertNotEquals(pid, next, "the pool replaced the killed worker");
    }

    @Test
    void aCancelWithoutForceInterruptsTheCallInsideItsWorkerProcess() throws Exception {
        Path marker = temp.resolve("interrupted");
        ObjectRef<Integer> sleeping = mobula.task(IsolatedFunctions::markThenSleepNotingInterrupt, marker.toString(), 600_000)
            .isolated().remote();
        long pid = awaitPid(marker);
        assertTrue(mobula.cancel(sleeping));
        assertThrows(io.mobula.TaskCancelledException.class, sleeping::get);
        Path interrupted = Path.of(marker + ".interrupted");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!java.nio.file.Files.exists(interrupted) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(java.nio.file.Files.exists(interrupted), "the call in the worker process was interrupted");
        awaitAllCpusFree(); // the call ended, so its task gave its CPU back
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "its process lives on");
        assertEquals(5, mobula.task(IsolatedFunctions::add, 2, 3).isolated().remote().get());
    }

    @Test
    void aForcedCancelAfterAPlainOneKillsACallThatIgnoresInterrupts() throws Exception {
        Path marker = temp.resolve("stubborn");
        ObjectRef<Integer> stubborn = mobula.task(IsolatedFunctions::ignoreInterrupts, marker.toString()).isolated().remote();
        long pid = awaitPid(marker);
        assertTrue(mobula.cancel(stubborn));
        assertThrows(io.mobula.TaskCancelledException.class, stubborn::get);
        Path interrupted = Path.of(marker + ".interrupted");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!java.nio.file.Files.exists(interrupted) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(java.nio.file.Files.exists(interrupted), "the call was interrupted, and went on");
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));

        assertFalse(mobula.cancel(stubborn, true, true), "cancelled already");
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
        awaitAllCpusFree();
    }

    private static long awaitPid(Path marker) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!java.nio.file.Files.exists(marker)) {
            assertTrue(System.nanoTime() < deadline, "the isolated task never started");
            Thread.sleep(10);
        }
        return Long.parseLong(java.nio.file.Files.readString(marker));
    }

    private static void awaitAllCpusFree() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (mobula.availableResources().get("CPU") < 4.0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(4.0, mobula.availableResources().get("CPU"));
    }

    @Test
    void anIsolatedActorKeepsItsStateInItsOwnProcessAndRestartsAfterKill9() throws Exception {
        ActorHandle<IsolatedFunctions.Counter> counter = mobula.actor(IsolatedFunctions.Counter::new, 10)
            .isolated().maxRestarts(1).remote();
        assertEquals(11, counter.task(IsolatedFunctions.Counter::inc).remote().get());
        assertEquals(12, counter.task(IsolatedFunctions.Counter::inc).remote().get());
        long pid = counter.task(IsolatedFunctions.Counter::pid).remote().get();
        assertNotEquals(SELF, pid);
        assertEquals(pid, counter.task(IsolatedFunctions.Counter::pid).remote().get());

        long restartsBefore = RuntimeAccess.runtimeOf(mobula).activity().actorRestarts();
        kill9(pid);
        assertEquals(11, incAfterDeath(counter), "a fresh instance, built again");
        long restartedPid = counter.task(IsolatedFunctions.Counter::pid).remote().get();
        assertNotEquals(pid, restartedPid);
        assertEquals(1, counter.restarts());
        assertEquals(restartsBefore + 1, RuntimeAccess.runtimeOf(mobula).activity().actorRestarts(),
            "the node counts it (mobula status shows it)");
        assertTrue(counter.isAlive());

        kill9(restartedPid);
        assertThrows(ActorDiedException.class, () -> counter.task(IsolatedFunctions.Counter::inc).remote().get());
        ActorDiedException dead = assertThrows(ActorDiedException.class,
            () -> counter.task(IsolatedFunctions.Counter::inc).remote().get());
        assertTrue(dead.getMessage().contains("no restarts are left"), dead.getMessage());
        assertFalse(counter.isAlive());
    }

    /**
     * The next call after the actor's process was killed. The node may see the death before the
     * call (it restarts the actor, then runs the call) or only through the call (which is then
     * lost, and the actor restarts): which one depends on when its reaper thread runs, so a lost
     * call is called again.
     */
    private static int incAfterDeath(ActorHandle<IsolatedFunctions.Counter> counter) {
        try {
            return counter.task(IsolatedFunctions.Counter::inc).remote().get();
        } catch (ActorDiedException lost) {
            assertTrue(lost.getMessage().contains("this call is lost"), lost.getMessage());
            return counter.task(IsolatedFunctions.Counter::inc).remote().get();
        }
    }

    /** Ray's exit_actor() inside an isolated actor: refused there before ('not supported inside an isolated actor yet'). */
    @Test
    void anIsolatedActorsMethodEndsItsActorAndItsProcessWithExitActor() throws Exception {
        ActorHandle<IsolatedFunctions.Counter> counter = mobula.actor(IsolatedFunctions.Counter::new, 4)
            .isolated().maxRestarts(2).remote();
        long pid = counter.task(IsolatedFunctions.Counter::pid).remote().get();
        assertEquals(4, counter.task(IsolatedFunctions.Counter::exitWith).remote().get(), "the exiting call's result");
        ActorDiedException exited = assertThrows(ActorDiedException.class,
            () -> counter.task(IsolatedFunctions.Counter::inc).remote().get());
        assertTrue(exited.getMessage().contains("exited") && exited.getMessage().contains("exitActor()"), exited.getMessage());
        assertEquals(0, counter.restarts(), "an exit is not restarted");
        assertFalse(counter.isAlive());
        ProcessHandle process = ProcessHandle.of(pid).orElse(null);
        assertTrue(process == null || process.onExit().get(10, TimeUnit.SECONDS) != null, "its worker process ends");

        String inTask = mobula.task(IsolatedFunctions::exitFromATask).isolated().remote().get();
        assertTrue(inTask.contains("only inside an actor's method") && inTask.contains("a task"), inTask);
    }

    @Test
    void aCallInFlightWhenTheActorsProcessDiesFailsAndTheActorRestarts() {
        ActorHandle<IsolatedFunctions.Counter> counter = mobula.actor(IsolatedFunctions.Counter::new, 0)
            .isolated().maxRestarts(2).remote();
        assertEquals(1, counter.task(IsolatedFunctions.Counter::inc).remote().get());
        ActorDiedException lost = assertThrows(ActorDiedException.class,
            () -> counter.task(IsolatedFunctions.Counter::halt, 6).remote().get());
        assertTrue(lost.getMessage().contains("exit status 6"), lost.getMessage());
        assertEquals(1, counter.task(IsolatedFunctions.Counter::inc).remote().get());
        assertEquals(1, counter.restarts());
        mobula.kill(counter);
    }

    @Test
    void functionsAWorkerCannotFindByNameAreRefusedAtRemote() {
        int captured = 41;
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> mobula.task(() -> captured + 1).isolated().remote());
        assertTrue(refused.getMessage().contains("captures"), refused.getMessage());
        assertTrue(refused.getMessage().contains("static method"), refused.getMessage());
        assertEquals(42, mobula.task(() -> captured + 1).remote().get(), "on the node's threads it is fine");

        IllegalArgumentException concurrent = assertThrows(IllegalArgumentException.class,
            () -> mobula.actor(IsolatedFunctions.Counter::new, 0).isolated().maxConcurrency(2).remote());
        assertTrue(concurrent.getMessage().contains("maxConcurrency must be 1"), concurrent.getMessage());
    }

    @Test
    void valuesTooLargeToCopyFailWithTheLimit() {
        ObjectRef<byte[]> big = mobula.put(new byte[WorkerProtocol.MAX_MESSAGE_BYTES + 1]);
        TaskException tooBig = assertThrows(TaskException.class,
            () -> mobula.task(IsolatedFunctions::scale, big, 1.0).isolated().remote().get());
        assertTrue(tooBig.getMessage().contains("at most " + WorkerProtocol.MAX_MESSAGE_BYTES), tooBig.getMessage());
        TaskException resultTooBig = assertThrows(TaskException.class,
            () -> mobula.task(IsolatedFunctions::bytes, WorkerProtocol.MAX_MESSAGE_BYTES + 1).isolated().remote().get());
        assertTrue(resultTooBig.getMessage().contains("returns at most"), resultTooBig.getMessage());
    }

    @Test
    void closingTheNodeStopsEveryWorkerProcess() {
        List<Long> others = workerChildren(); // the shared node's
        List<Long> pids = new ArrayList<>();
        try (Mobula node = Mobula.init(new NodeContext().cpus(2).storeCapacityBytes(16L << 20))) {
            pids.add(node.task(IsolatedFunctions::pid).isolated().remote().get());
            ActorHandle<IsolatedFunctions.Counter> actor = node.actor(IsolatedFunctions.Counter::new, 0).isolated().remote();
            pids.add(actor.task(IsolatedFunctions.Counter::pid).remote().get());
            workerChildren().stream().filter(pid -> !others.contains(pid)).forEach(pids::add);
        }
        assertTrue(pids.size() >= 3, "a task's worker, the actor's, and a spare: " + pids);
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "worker " + pid + " outlived the node");
        }
    }

    /** Worker processes started by this JVM, alive now. */
    private static List<Long> workerChildren() {
        return ProcessHandle.current().children()
            .filter(p -> p.info().arguments().map(args -> List.of(args).contains(WorkerMain.class.getName())).orElse(false))
            .map(ProcessHandle::pid).toList();
    }

    private static void kill9(long pid) throws Exception {
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
        process.destroyForcibly();
        process.onExit().get(30, TimeUnit.SECONDS);
    }
}
