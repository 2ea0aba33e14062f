package io.mobula.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the isolated-worker tests run in worker processes: static, so a worker finds them by name. */
final class IsolatedFunctions {
    private IsolatedFunctions() {
    }

    static long pid() {
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

    static int exit(int status) {
        System.exit(status);
        return 0;
    }

    static int halt(int status) {
        Runtime.getRuntime().halt(status);
        return 0;
    }

    static int exitAfter(int ms, int status) throws InterruptedException {
        Thread.sleep(ms);
        System.exit(status);
        return 0;
    }

    /** Crashes the first time (leaving a marker), returns the second time. */
    static String crashOnce(String marker) throws IOException {
        Path file = Path.of(marker);
        if (!Files.exists(file)) {
            Files.writeString(file, Long.toString(ProcessHandle.current().pid()));
            Runtime.getRuntime().halt(9);
        }
        return "ran again in " + ProcessHandle.current().pid();
    }

    static int failWithIo(String message) throws IOException {
        throw new IOException(message);
    }

    /** Throws an IOException the first time (leaving a marker), returns the second time. */
    static String failOnce(String marker) throws IOException {
        Path file = Path.of(marker);
        if (!Files.exists(file)) {
            Files.writeString(file, "failed");
            throw new IOException("first attempt fails");
        }
        return "second attempt";
    }

    /** Writes its pid to {@code marker}, then sleeps. */
    static int markThenSleep(String marker, int ms) throws IOException, InterruptedException {
        Files.writeString(Path.of(marker + ".tmp"), Long.toString(ProcessHandle.current().pid()));
        Files.move(Path.of(marker + ".tmp"), Path.of(marker));
        Thread.sleep(ms);
        return 0;
    }

    /**
     * Writes its pid to {@code marker}, then sleeps; if interrupted, writes {@code marker.interrupted}
     * (so a test sees the interrupt reached the call inside its process) and ends.
     */
    static int markThenSleepNotingInterrupt(String marker, int ms) throws IOException {
        Files.writeString(Path.of(marker + ".tmp"), Long.toString(ProcessHandle.current().pid()));
        Files.move(Path.of(marker + ".tmp"), Path.of(marker));
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Files.writeString(Path.of(marker + ".interrupted"), "interrupted");
            return -1;
        }
        return 0;
    }

    /** Writes its pid to {@code marker}, then sleeps on through interrupts, noting each in {@code marker.interrupted}. */
    static int ignoreInterrupts(String marker) throws IOException {
        Files.writeString(Path.of(marker + ".tmp"), Long.toString(ProcessHandle.current().pid()));
        Files.move(Path.of(marker + ".tmp"), Path.of(marker));
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < end) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Files.writeString(Path.of(marker + ".interrupted"), "interrupted");
            }
        }
        return 0;
    }

    static byte[] bytes(int n) {
        return new byte[n];
    }

    /** An actor whose construction crashes its worker process the first time (leaving a marker). */
    static final class CrashesWhileBuiltOnce {
        CrashesWhileBuiltOnce(String marker) throws IOException {
            crashOnce(marker);
        }

        long pid() {
            return ProcessHandle.current().pid();
        }
    }

    /** An actor that keeps a count in its worker process. */
    static final class Counter {
        private int count;

        Counter(int start) {
            this.count = start;
        }

        int inc() {
            return ++count;
        }

        long pid() {
            return ProcessHandle.current().pid();
        }

        int halt(int status) {
            Runtime.getRuntime().halt(status);
            return count;
        }

        /** Asks its actor to exit, then returns its count. */
        int exitWith() {
            io.mobula.Mobula.exitActor();
            return count;
        }
    }

    /** What exitActor() says when a task (not an actor's method) calls it in a worker process. */
    static String exitFromATask() {
        try {
            io.mobula.Mobula.exitActor();
            return "no error";
        } catch (IllegalStateException expected) {
            return expected.getMessage();
        }
    }
}
