package io.mobula.worker;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.mobula.MobulaException;
import io.mobula.RuntimeClosedException;
import io.mobula.TaskCancelledException;
import io.mobula.TaskException;
import io.mobula.WorkerCrashedException;
import io.mobula.naming.FunctionDescriptor;
import io.mobula.store.codec.ValueCodec;
import io.mobula.transport.AeronChannels;
import io.mobula.transport.AuthServer;
import io.mobula.transport.ClusterSecret;
import io.mobula.transport.EmbeddedTransport;

/**
 * The node's worker processes: JVMs started from the node's own binary, flags and class path,
 * that run isolated tasks and actors. The pool owns an Aeron media driver and an authenticated
 * server on an IPC stream; workers attach to the driver and join with a secret made fresh for this
 * pool and handed to each on its standard input.
 * <p>
 * A task takes an idle worker, runs one call there and gives it back; an actor takes one for its
 * life. The pool keeps {@code spares} idle workers started ahead (at least one once anything asked),
 * so a task rarely waits for a JVM to boot; more start when more are wanted at once. A worker that
 * dies is dropped and, while the pool is open, replaced. Closing the pool ends every worker.
 * <p>
 * Thread safe. Callers block in {@link #runTask} for the call's duration (a node worker thread,
 * holding the task's resources, as a task on a thread would).
 */
public final class WorkerProcessPool implements AutoCloseable {
    /** The stream the pool's server listens on; workers' replies go to streams above it. */
    static final int STREAM = 2001;
    /** The flags a worker needs whatever the node was started with (FFM, the store's Unsafe paths). */
    /** Workers that failed to join, one after another, before a waiting task gives up. */
    private static final int MAX_START_FAILURES = 3;
    private static final long START_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);

    /** An interrupt of the waiting thread kills the call's process. */
    private static final BooleanSupplier KILL_ON_INTERRUPT = () -> true;
    /** An interrupt of the waiting thread interrupts the call inside its process. */
    private static final BooleanSupplier INTERRUPT_ONLY = () -> false;
    private final int spares;
    private final long stopGraceMs;
    private final byte[] key = new byte[ClusterSecret.BYTES];
    private final EmbeddedTransport transport;
    private final AuthServer server;
    private final ValueCodec codec;
    private final Path logDirectory;
    private final List<String> command;
    private final Map<Long, WorkerProcess> byPid = new ConcurrentHashMap<>();
    private final Map<Long, WorkerProcess> bySession = new ConcurrentHashMap<>();
    private final LinkedBlockingDeque<WorkerProcess> idle = new LinkedBlockingDeque<>();
    private final AtomicInteger starting = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger replyStreams = new AtomicInteger(STREAM);
    private final AtomicInteger startFailures = new AtomicInteger();
    private volatile String lastStartFailure;
    private volatile boolean closed;

    /**
     * Starts the pool's transport and server, and {@code initial} workers.
     *
     * @param spares      idle workers to keep started ahead (at least one is kept).
     * @param stopGraceMs how long a worker has to exit on SIGTERM before it is killed.
     */
    public WorkerProcessPool(int initial, int spares, long stopGraceMs) {
        this.spares = Math.max(1, spares);
        this.stopGraceMs = stopGraceMs;
        new SecureRandom().nextBytes(key);
        this.codec = WorkerProtocol.codec(WorkerProcessPool.class.getClassLoader());
        try {
            this.logDirectory = Files.createTempDirectory("mobula-workers-" + ProcessHandle.current().pid() + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a folder for worker process output under "
                + System.getProperty("java.io.tmpdir") + ": " + e.getMessage(), e);
        }
        this.transport = new EmbeddedTransport();
        this.command = JvmCommand.of(WorkerMain.class, List.of());
        this.server = new AuthServer(transport.aeron(), AeronChannels.IPC, STREAM, ClusterSecret.of(key),
            (AuthServer.AsyncRequestHandler) this::onRequest).start();
        for (int i = 0; i < initial; i++) {
            spawn();
        }
    }

    // ---- tasks and actors ----

    /**
     * Runs a function in a worker process and returns its result.
     *
     * @param attempt which run of the task this is (1 for the first), for the crash's message.
     * @param forced  read when the calling thread is interrupted (a cancel): true kills the worker
     *                process (the pool starts another), false interrupts the call inside it and
     *                waits for its answer, the process living on.
     * @throws TaskException           what the function threw there (as text).
     * @throws WorkerCrashedException  if the worker died before it answered.
     * @throws IllegalArgumentException if an argument is too large to cross by copy.
     */
    public Object runTask(FunctionDescriptor function, String displayName, Object[] args, int attempt,
                          BooleanSupplier forced) {
        byte[] message = encodeCall(WorkerProtocol.RUN, function, displayName, args);
        WorkerProcess worker = acquire();
        byte[] answer;
        try {
            answer = worker.call(message, forced);
        } catch (WorkerProcess.ProcessDied died) {
            throw new WorkerCrashedException(displayName, worker.pid(), worker.exitStatus(), attempt);
        }
        release(worker);
        return decodeAnswer(answer, displayName);
    }

    /**
     * Runs a generator task's function in a worker process: each value it produces is sent here as
     * it comes and handed to {@code values} on the calling thread, in order, before the worker goes
     * on; returns once the function's values are all out.
     *
     * @param values takes each value (stores it); what it throws ends the call (and the process).
     * @throws TaskException           what the function, or its iteration, threw there (as text).
     * @throws WorkerCrashedException  if the worker died before its last value.
     * @throws IllegalArgumentException if an argument is too large to cross by copy.
     */
    public void runGenerator(FunctionDescriptor function, String displayName, Object[] args, int attempt,
                             BooleanSupplier forced, Consumer<Object> values) {
        byte[] message = encodeCall(WorkerProtocol.GENERATOR, function, displayName, args);
        WorkerProcess worker = acquire();
        byte[] answer;
        try {
            answer = worker.call(message, forced, yielded -> values.accept(decodeYield(yielded, displayName)));
        } catch (WorkerProcess.ProcessDied died) {
            throw new WorkerCrashedException(displayName, worker.pid(), worker.exitStatus(), attempt);
        }
        release(worker);
        decodeAnswer(answer, displayName);
    }

    private Object decodeYield(byte[] yielded, String displayName) {
        try {
            return WorkerProtocol.readYield(codec, yielded);
        } catch (IOException e) {
            throw new MobulaException("a worker process sent a malformed value of the generator " + displayName + ": "
                + e.getMessage(), e);
        }
    }

    /**
     * Starts an actor in a worker process of its own: runs its constructor there.
     *
     * @throws TaskException          what the constructor threw.
     * @throws WorkerCrashedException if the worker died while constructing.
     */
    public IsolatedActor createActor(FunctionDescriptor constructor, String displayName, Object[] args) {
        byte[] message = encodeCall(WorkerProtocol.CREATE, constructor, displayName, args);
        WorkerProcess worker = acquire();
        byte[] answer;
        try {
            answer = worker.call(message, KILL_ON_INTERRUPT); // a half-built actor is not worth keeping
        } catch (WorkerProcess.ProcessDied died) {
            throw new WorkerCrashedException(displayName, worker.pid(), worker.exitStatus(), 1);
        }
        try {
            decodeAnswer(answer, displayName);
        } catch (RuntimeException e) {
            worker.stop(stopGraceMs); // holds no instance: not worth keeping apart from the pool's
            throw e;
        }
        return new IsolatedActor(this, worker);
    }

    /** Runs a method of the actor living in {@code worker}; {@code exitAsked} runs if it calls {@code Mobula.exitActor()}. */
    Object callActor(WorkerProcess worker, FunctionDescriptor method, String displayName, Object[] args, Runnable exitAsked) {
        byte[] message = encodeCall(WorkerProtocol.METHOD, method, displayName, args);
        byte[] answer;
        try {
            // a cancelled actor call is interrupted, never forced
            answer = worker.call(message, INTERRUPT_ONLY, request -> {
                try {
                    WorkerProtocol.readExitActor(request); // a method yields no values: an exit is all it may ask
                } catch (IOException e) {
                    throw new MobulaException("a worker process sent a malformed request while it ran " + displayName + ": "
                        + e.getMessage(), e);
                }
                exitAsked.run();
            });
        } catch (WorkerProcess.ProcessDied died) {
            throw new WorkerCrashedException(displayName, worker.pid(), worker.exitStatus(), 1);
        }
        return decodeAnswer(answer, displayName);
    }

    void stop(WorkerProcess worker) {
        worker.stop(stopGraceMs);
    }

    /** Idle workers started and joined now (for tests and status). */
    public int idleCount() {
        return idle.size();
    }

    /** The pids of every worker process alive now, idle, busy or starting. */
    public List<Long> pids() {
        return List.copyOf(byPid.keySet());
    }

    private byte[] encodeCall(byte type, FunctionDescriptor function, String displayName, Object[] args) {
        try {
            byte[] message = WorkerProtocol.call(codec, type, function.className(), function.methodName(),
                function.methodSignature(), args);
            if (message.length > WorkerProtocol.MAX_MESSAGE_BYTES) {
                throw new WorkerProtocol.ValueTooLargeException(message.length);
            }
            return message;
        } catch (WorkerProtocol.ValueTooLargeException e) {
            throw new IllegalArgumentException("the arguments of " + displayName + " take " + e.size + " bytes; a worker "
                + "process receives at most " + WorkerProtocol.MAX_MESSAGE_BYTES + " bytes by copy for now; pass less (a "
                + "path to read there, say), or run it without isolated()");
        }
    }

    private Object decodeAnswer(byte[] answer, String displayName) {
        Object value;
        try {
            value = WorkerProtocol.readAnswer(codec, answer);
        } catch (IOException e) {
            throw new MobulaException("a worker process sent a malformed answer for " + displayName + ": " + e.getMessage(), e);
        }
        if (value instanceof WorkerProtocol.Failure failure) {
            throw new TaskException(displayName, failure.className(), failure.message(), failure.stackTrace());
        }
        return value;
    }

    // ---- the pool ----

    /** An idle, joined worker: one started ahead if any, else one started now. */
    private WorkerProcess acquire() {
        long deadline = System.nanoTime() + START_TIMEOUT_NS;
        waiting.incrementAndGet();
        try {
            while (true) {
                if (closed) {
                    throw new RuntimeClosedException("the Mobula runtime closed; its worker processes are stopped");
                }
                WorkerProcess worker = idle.pollFirst();
                if (worker != null) {
                    if (worker.isAlive()) {
                        return worker;
                    }
                    continue;
                }
                if (startFailures.get() >= MAX_START_FAILURES) {
                    throw new MobulaException("worker processes fail to start: " + lastStartFailure + "; check that "
                        + "this JVM's binary and class path can start another JVM (" + command.getFirst() + ")");
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new MobulaException("no worker process joined within " + TimeUnit.NANOSECONDS.toSeconds(START_TIMEOUT_NS)
                        + " s; the host may be short of memory or CPU; see the worker output in " + logDirectory);
                }
                if (starting.get() < waiting.get()) {
                    spawn();
                }
                try {
                    worker = idle.pollFirst(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TaskCancelledException("interrupted while waiting for a worker process");
                }
                if (worker != null) {
                    if (worker.isAlive()) {
                        return worker;
                    }
                }
            }
        } finally {
            waiting.decrementAndGet();
            topUp();
        }
    }

    private void release(WorkerProcess worker) {
        if (!closed && worker.isAlive()) {
            idle.offerFirst(worker); // the most recently used first: its caches are warm
        }
    }

    /** Starts workers until the idle and starting ones make the spares. */
    private void topUp() {
        while (!closed && idle.size() + starting.get() < spares) {
            if (startFailures.get() >= MAX_START_FAILURES) {
                return;
            }
            spawn();
        }
    }

    private synchronized void spawn() {
        if (closed) {
            return;
        }
        int replyStream = replyStreams.incrementAndGet();
        List<String> line = new ArrayList<>(command);
        line.addAll(List.of(transport.directory(), Integer.toString(STREAM), Integer.toString(replyStream),
            Long.toString(ProcessHandle.current().pid())));
        Process process;
        Path log = logDirectory.resolve("worker-" + replyStream + ".log");
        try {
            process = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            startFailures.incrementAndGet();
            lastStartFailure = "cannot run " + command.getFirst() + ": " + e.getMessage();
            return;
        }
        starting.incrementAndGet();
        WorkerProcess worker = new WorkerProcess(process);
        byPid.put(worker.pid(), worker);
        try {
            OutputStream in = process.getOutputStream(); // kept open (WorkerProcess): interrupts follow the secret
            in.write(key); // the secret goes on stdin: a command line is visible to every user of the host
            in.flush();
        } catch (IOException e) {
            // the process died at once; its exit is handled below
        }
        process.onExit().thenRun(() -> exited(worker, log));
    }

    private void exited(WorkerProcess worker, Path log) {
        byPid.remove(worker.pid());
        bySession.values().remove(worker);
        idle.remove(worker);
        if (!worker.hasJoined()) {
            starting.decrementAndGet();
            if (!closed) {
                startFailures.incrementAndGet();
                lastStartFailure = "worker process " + worker.pid() + " exited with status " + worker.exitStatus()
                    + " before it joined; its output: " + tail(log);
            }
        }
        worker.onExit();
        topUp();
    }

    /** Server thread: a worker's hello, or its answer (with which it asks for the next call). */
    private void onRequest(long sessionId, byte[] payload, AuthServer.Reply reply) {
        if (WorkerProtocol.isHello(payload)) {
            long pid;
            try {
                pid = WorkerProtocol.readHello(payload);
            } catch (IOException e) {
                return;
            }
            WorkerProcess worker = byPid.get(pid);
            if (worker == null || worker.hasJoined() || bySession.containsKey(sessionId)) {
                return; // not a process this pool started, or a second hello: dropped
            }
            bySession.put(sessionId, worker);
            worker.onRequest(payload, reply, true);
            starting.decrementAndGet();
            startFailures.set(0);
            idle.offerLast(worker);
            return;
        }
        WorkerProcess worker = bySession.get(sessionId);
        if (worker != null) {
            worker.onRequest(payload, reply, false);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.isEmpty() ? "(none)" : String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** Ends every worker (SIGTERM, then SIGKILL after the grace time), the server and the transport. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        List<WorkerProcess> all = List.copyOf(byPid.values());
        for (WorkerProcess worker : all) {
            worker.process().destroy();
        }
        for (WorkerProcess worker : all) {
            worker.stop(stopGraceMs);
        }
        server.close();
        transport.close();
        try (var files = Files.walk(logDirectory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // best effort: the folder is under the temp directory
        }
    }
}
