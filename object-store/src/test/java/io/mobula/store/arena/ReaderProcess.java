package io.mobula.store.arena;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.mobula.jvm.JvmFlags;

/**
 * Starts {@link ArenaReaderMain} (or another test main, such as {@link StoreOwnerMain}) in a JVM of
 * its own, from this JVM's class path, with the flags every Mobula JVM gets.
 */
final class ReaderProcess implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;

    ReaderProcess(Path arena, List<String> args) throws IOException {
        this(List.of(), arena, args);
    }

    /** @param prefix what the JVM's command line is run under (e.g. setpriv with fewer capabilities). */
    ReaderProcess(List<String> prefix, Path arena, List<String> args) throws IOException {
        this(prefix, ArenaReaderMain.class, concat(List.of(arena.toString()), args));
    }

    /** Runs {@code main} with {@code args}. */
    ReaderProcess(Class<?> main, List<String> args) throws IOException {
        this(List.of(), main, args);
    }

    private ReaderProcess(List<String> prefix, Class<?> main, List<String> args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(prefix);
        command.add(java);
        command.addAll(JvmFlags.all());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        this.process = new ProcessBuilder(command).redirectErrorStream(true).start();
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** The process's pid. */
    long pid() {
        return process.pid();
    }

    /** The next line the reader prints; fails after {@code timeoutSeconds}. */
    String readLine(long timeoutSeconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!out.ready()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the reader process printed nothing within " + timeoutSeconds + " s");
            }
            if (!process.isAlive() && !out.ready()) {
                throw new AssertionError("the reader process exited with " + process.exitValue());
            }
            Thread.sleep(5);
        }
        return out.readLine();
    }

    int waitFor(long timeoutSeconds) throws InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the reader process did not finish within " + timeoutSeconds + " s");
        }
        return process.exitValue();
    }

    /** SIGKILL: the process gets no chance to unpin anything. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
