package io.mobula;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Functions and actors the API tests submit; static so they are plain method references. */
final class TestFunctions {
    static final AtomicInteger FLAKY_CALLS = new AtomicInteger();
    static volatile CountDownLatch started = new CountDownLatch(1);
    static volatile CountDownLatch gate = new CountDownLatch(1);

    private TestFunctions() {
    }

    static int one() {
        return 1;
    }

    static int add(int a, int b) {
        return a + b;
    }

    static long sum6(int a, int b, int c, int d, int e, int f) {
        return (long) a + b + c + d + e + f;
    }

    static double[] addArrays(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + b[i];
        }
        return out;
    }

    static double[] fill(int n, double v) {
        double[] out = new double[n];
        java.util.Arrays.fill(out, v);
        return out;
    }

    static int fail(String message) {
        throw new IllegalStateException(message);
    }

    static int flaky(int failures) throws IOException {
        if (FLAKY_CALLS.incrementAndGet() <= failures) {
            throw new IOException("transient failure " + FLAKY_CALLS.get());
        }
        return FLAKY_CALLS.get();
    }

    static int sleepForever() throws InterruptedException {
        started.countDown();
        Thread.sleep(TimeUnit.MINUTES.toMillis(10));
        return -1;
    }

    /** Set when {@link #sleepUntilInterrupted} is interrupted: a cancel reached the running task. */
    static volatile CountDownLatch interrupted = new CountDownLatch(1);
    /** Counts the runs of {@link #countStart}: a cancelled queued task must never add to it. */
    static final AtomicInteger starts = new AtomicInteger();

    /** Trips {@code started}, then sleeps until interrupted, which trips {@code interrupted}. */
    static int sleepUntilInterrupted() {
        started.countDown();
        try {
            Thread.sleep(TimeUnit.MINUTES.toMillis(10));
        } catch (InterruptedException e) {
            interrupted.countDown();
            return -2;
        }
        return -1;
    }

    static int countStart() {
        starts.incrementAndGet();
        return 1;
    }

    static int awaitGate() throws InterruptedException {
        gate.await(30, TimeUnit.SECONDS);
        return 7;
    }

    static int failAfterGate() throws InterruptedException {
        gate.await(30, TimeUnit.SECONDS);
        throw new IllegalStateException("failed after the gate opened");
    }

    /** Waits in {@code wait} for a child task that needs a CPU. @return how many were ready. */
    static int readyChildrenOfAWait() {
        Mobula mobula = Mobula.current();
        ObjectRef<Integer> child = mobula.task(TestFunctions::one).remote();
        return mobula.wait(List.of(child), 1, Duration.ofSeconds(20)).ready().size();
    }

    static int sleepMs(int ms) throws InterruptedException {
        Thread.sleep(ms);
        return ms;
    }

    static int nestedSum(int n) {
        Mobula mobula = Mobula.current();
        int total = 0;
        for (int i = 0; i < n; i++) {
            total += mobula.task(TestFunctions::add, i, 1).remote().get();
        }
        return total;
    }

    static int countRefs(List<ObjectRef<Integer>> refs) {
        int total = 0;
        for (ObjectRef<Integer> ref : refs) {
            total += ref.get();
        }
        return total;
    }

    static void nothing(String ignored) {
    }

    static String describe(Object value) {
        return String.valueOf(value);
    }

    static final class Counter {
        private int value;

        Counter() {
        }

        /** A factory rather than a second constructor: {@code Counter::new} must name one constructor. */
        static Counter startingAt(int start) {
            Counter counter = new Counter();
            counter.value = start;
            return counter;
        }

        int inc() {
            return ++value;
        }

        int add(int delta) {
            value += delta;
            return value;
        }

        int value() {
            return value;
        }

        void reset() {
            value = 0;
        }

        int crash() {
            throw new AssertionError("state corrupted");
        }

        int fail() {
            throw new IllegalArgumentException("bad call");
        }

        /** Counts itself in, then waits for {@code started} to reach zero; returns how many it waited for. */
        int waitForAll() throws InterruptedException {
            CountDownLatch latch = started;
            latch.countDown();
            if (!latch.await(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the other calls never started: they are not running concurrently");
            }
            return 4;
        }

        int slow(int ms) throws InterruptedException {
            Thread.sleep(ms);
            return ++value;
        }
    }

    static final class Exploding {
        Exploding() {
            throw new IllegalStateException("cannot construct");
        }

        int ping() {
            return 1;
        }
    }
}
