package io.mobula.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.mobula.Mobula;
import io.mobula.MobulaException;
import io.mobula.ObjectRef;
import io.mobula.TaskException;
import io.mobula.transport.ClusterSecret;

/** A program in this JVM connected to a node in another process: its tasks run there. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConnectedDriverTest {
    @TempDir
    Path home;
    private TemporaryHead head;
    private int port;

    static long nodePid() {
        return ProcessHandle.current().pid();
    }

    static int add(int a, int b) {
        return a + b;
    }

    static double[] scale(double[] values, double factor) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] * factor;
        }
        return out;
    }

    static java.nio.ByteBuffer filled(int bytes, byte value) {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocateDirect(bytes);
        for (int i = 0; i < bytes; i++) {
            buffer.put(i, value);
        }
        return buffer;
    }

    static long sum(java.nio.ByteBuffer buffer) {
        long total = 0;
        for (int i = 0; i < buffer.limit(); i++) {
            total += buffer.get(i);
        }
        return total;
    }

    static int explode(String why) {
        throw new IllegalStateException(why);
    }

    static final class Box {
        Box() {
        }

        long where() {
            return ProcessHandle.current().pid();
        }
    }

    static int slowly(int value, long millis) throws InterruptedException {
        Thread.sleep(millis);
        return value;
    }

    /** Counts its calls: a call's result is its place in the order the actor ran them. */
    static final class Counter {
        private int calls;

        Counter() {
        }

        int next(Integer ignored) {
            return ++calls;
        }

        int nap(Integer millis) throws InterruptedException {
            Thread.sleep(millis);
            return ++calls;
        }
    }

    @BeforeEach
    void startAHead() {
        head = TemporaryHead.start(home, "{\"CPU\":2}");
        port = head.port();
    }

    @AfterEach
    void stopIt() {
        head.close();
    }

    @Test
    void tasksRunOnTheNodeAndTheDriverOwnsTheirResults() {
        try (Mobula driver = Mobula.init("127.0.0.1:" + port)) {
            long remotePid = driver.task(ConnectedDriverTest::nodePid).remote().get();
            assertNotEquals(ProcessHandle.current().pid(), remotePid, "the task ran in the node's process");
            assertEquals(5, driver.task(ConnectedDriverTest::add, 2, 3).remote().get());

            // refs as arguments: resolved by the driver (the owner), then sent by value
            ObjectRef<Integer> seven = driver.task(ConnectedDriverTest::add, 3, 4).remote();
            assertEquals(10, driver.task(ConnectedDriverTest::add, seven, 3).remote().get());

            double[] big = new double[1 << 17]; // 1 MiB each way
            java.util.Arrays.fill(big, 1.5);
            double[] scaled = driver.task(ConnectedDriverTest::scale, big, 2.0).remote().get();
            assertEquals(1 << 17, scaled.length);
            assertEquals(3.0, scaled[scaled.length - 1]);
            // a large argument goes to the node's store first, and the call names it there
            double[] large = new double[1 << 19]; // 4 MiB: more than a call carries
            java.util.Arrays.fill(large, 0.25);
            double[] quadrupled = driver.task(ConnectedDriverTest::scale, large, 4.0).remote().get();
            assertEquals(1.0, quadrupled[(1 << 19) - 1]);

            TaskException thrown = assertThrows(TaskException.class,
                () -> driver.task(ConnectedDriverTest::explode, "on the node").remote().get());
            assertEquals(IllegalStateException.class.getName(), thrown.remoteClassName());
            assertEquals("on the node", thrown.remoteMessage());
            assertTrue(thrown.remoteStackTrace().contains("explode"), thrown.remoteStackTrace());

            // an actor lives on the node; its calls come back to the driver
            io.mobula.ActorHandle<Box> box = driver.actor(Box::new).remote();
            assertEquals(remotePid, box.task(Box::where).remote().get());
        }
    }

    @Test
    void largeResultsStayOnTheNodeAndAreReadFromItsArena() throws Exception {
        try (Mobula driver = Mobula.init("127.0.0.1:" + port)) {
            ObjectRef<java.nio.ByteBuffer> big = driver.task(ConnectedDriverTest::filled, 8 << 20, (byte) 3).remote();
            java.nio.ByteBuffer read = big.get();
            assertEquals(8 << 20, read.remaining());
            assertTrue(read.isReadOnly() && read.isDirect(), "a view of the node's arena, not a copy on this heap");
            assertEquals(3, read.get(12345));
            // passed on as where it lives: the node reads it from its own store
            assertEquals(3L * (8 << 20), driver.task(ConnectedDriverTest::sum, big).remote().get());
            assertEquals(1, kept(), "the node keeps it for its owner");
            ObjectRef<java.nio.ByteBuffer> second = driver.task(ConnectedDriverTest::filled, 1 << 20, (byte) 1).remote();
            assertEquals(1, second.get().get(7));
            assertEquals(2, kept());
            second = null;
            long deadline = System.currentTimeMillis() + 20_000;
            while (kept() > 1 && System.currentTimeMillis() < deadline) {
                System.gc(); // the driver drops its ref: the node is told to let it go
                Thread.sleep(100);
            }
            assertEquals(1, kept(), "released once its owner no longer refers to it");
            assertEquals(3, read.get(99), "the other is still there");

            // a put of a large value lives in the node's store too: read back in place, passed on by place
            java.nio.ByteBuffer twos = filled(16 << 20, (byte) 2);
            ObjectRef<java.nio.ByteBuffer> put = driver.put(twos);
            assertTrue(put.get().isReadOnly() && put.get().isDirect());
            assertEquals(2L * (16 << 20), driver.task(ConnectedDriverTest::sum, put).remote().get());
        }
        // the driver is gone, and with it every ref it owned: the node lets the rest go
        long deadline = System.currentTimeMillis() + 20_000;
        while (kept() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(0, kept(), "released when its owner left");
    }

    /** The results the node keeps for owners, as {@code mobula status --json} reports it. */
    private long kept() {
        String json = Cli.run("status", "--json").output();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"kept\": (\\d+)").matcher(json);
        assertTrue(m.find(), json);
        return Long.parseLong(m.group(1));
    }

    @Test
    @SuppressWarnings("unchecked")
    void manyCallsInFlightEachCompleteTheirOwnRefInOrderForActors() {
        try (Mobula driver = Mobula.init("127.0.0.1:" + port)) {
            // thousands in flight at once, answered out of order: each answer reaches its own ref
            int n = 5_000;
            ObjectRef<Integer>[] sums = new ObjectRef[n];
            for (int i = 0; i < n; i++) {
                sums[i] = driver.task(ConnectedDriverTest::add, i, 1).remote();
            }
            for (int i = 0; i < n; i++) {
                assertEquals(i + 1, sums[i].get());
            }

            // an actor runs its calls in the order made, whether a call is sent by its caller at once or
            // waits behind one whose argument is not ready yet (sent later by the actor's thread)
            io.mobula.ActorHandle<Counter> counter = driver.actor(Counter::new).remote();
            ObjectRef<Integer>[] order = new ObjectRef[2_000];
            for (int i = 0; i < order.length; i++) {
                Object arg = i % 500 == 250 ? driver.task(ConnectedDriverTest::slowly, i, 100L).remote() : (Object) i;
                order[i] = counter.task(Counter::next, arg).remote();
            }
            for (int i = 0; i < order.length; i++) {
                assertEquals(i + 1, order[i].get(), "call " + i);
            }

            // calls in flight when their actor is killed fail with its death
            io.mobula.ActorHandle<Counter> sleeper = driver.actor(Counter::new).remote();
            assertEquals(1, sleeper.task(Counter::nap, 0).remote().get());
            ObjectRef<Integer> sleeping = sleeper.task(Counter::nap, 30_000).remote();
            ObjectRef<Integer> queued = sleeper.task(Counter::nap, 0).remote();
            driver.kill(sleeper);
            assertThrows(io.mobula.ActorDiedException.class, sleeping::get);
            assertThrows(io.mobula.ActorDiedException.class, queued::get);

            // a task cancelled while the node runs it fails at once on the driver
            ObjectRef<Integer> long_ = driver.task(ConnectedDriverTest::slowly, 1, 30_000L).remote();
            assertTrue(driver.cancel(long_));
            assertThrows(io.mobula.TaskCancelledException.class, long_::get);
            assertEquals(3, driver.task(ConnectedDriverTest::add, 1, 2).remote().get(), "the driver still works");
        }
    }

    @Test
    void callsInFlightFailWhenTheirNodeDies() throws Exception {
        try (Mobula driver = Mobula.init("127.0.0.1:" + port)) {
            assertEquals(3, driver.task(ConnectedDriverTest::add, 1, 2).remote().get());
            ObjectRef<Integer> running = driver.task(ConnectedDriverTest::slowly, 1, 120_000L).remote();
            Thread.sleep(300);
            long nodePid = new io.mobula.cluster.host.StateDirectory(home).nodes().get(0).pid();
            ProcessHandle.of(nodePid).orElseThrow().destroyForcibly(); // kill -9: no goodbye
            MobulaException lost = assertThrows(MobulaException.class, () -> running.get(java.time.Duration.ofSeconds(60)));
            assertTrue(!(lost instanceof io.mobula.GetTimeoutException), "failed, not timed out: " + lost);
            assertTrue(lost.getMessage().contains("went away") || lost.getMessage().contains("failed"), lost.getMessage());
        }
        io.mobula.cluster.daemon.StaleFiles.removeDeadProcessFiles(Path.of("/dev/shm")); // what the killed node left
    }

    @Test
    void aDriverWithoutTheSecretCannotSubmit() throws Exception {
        Path secret = home.resolve("cluster.secret");
        Files.delete(secret);
        ClusterSecret.generate().writeTo(secret);
        MobulaException refused = assertThrows(MobulaException.class, () -> Mobula.init("127.0.0.1:" + port));
        assertTrue(refused.getMessage().contains("does not hold the cluster secret"), refused.getMessage());
        MobulaException nobody = assertThrows(MobulaException.class, () -> Mobula.init("not-an-address"));
        assertTrue(nobody.getMessage().contains("HOST:PORT"), nobody.getMessage());
    }
}
