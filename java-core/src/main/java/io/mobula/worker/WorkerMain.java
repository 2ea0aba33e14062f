package io.mobula.worker;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.BaseStream;

import io.aeron.Aeron;
import io.mobula.store.codec.ValueCodec;
import io.mobula.transport.AeronChannels;
import io.mobula.transport.AuthClient;
import io.mobula.transport.ClusterSecret;
import io.mobula.transport.MalformedMessageException;

/**
 * A worker process: the main of a JVM the node starts for isolated tasks and actors. It reads the
 * node's per-node secret from standard input (never from its command line, which other users can
 * read), attaches to the node's media driver as an Aeron client, joins the node's worker stream
 * with the secret, and then asks for work: each request carries the last answer, each response is
 * the next call. It holds at most one actor instance (an actor's worker runs nothing else).
 * <p>
 * It exits when the node's process ends (it watches the node's pid), so a node killed with
 * {@code kill -9} leaves no workers behind.
 * <p>
 * Arguments: {@code AERON_DIR SERVER_STREAM REPLY_STREAM NODE_PID}.
 */
public final class WorkerMain {
    /** How long a worker waits for its next call; the node's death ends the wait sooner. */
    private static final Duration IDLE_WAIT = Duration.ofDays(365);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(30);
    /**
     * How long a generator waits for the node to store a value it yielded: the node stores it at
     * once (a full store makes it wait, bounded), and the node's death ends the wait sooner.
     */
    private static final Duration RESUME_WAIT = Duration.ofMinutes(10);

    private final ValueCodec codec;
    private final ClassLoader loader;
    private final Map<String, FunctionTarget> targets = new HashMap<>();
    private Object actor;
    /** The number of the call running now (from 1, in the order received), or 0 between calls; under the monitor. */
    private long running;
    /** The thread that runs calls. */
    private Thread runner;
    /** The node this worker serves: where a generator's values go as they are produced. */
    private AuthClient node;
    /** The kind of call running on {@link #runner} now ({@code WorkerProtocol.RUN}, ...), or 0 between calls. */
    private byte runningType;

    private WorkerMain(ClassLoader loader) {
        this.loader = loader;
        this.codec = WorkerProtocol.codec(loader);
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: WorkerMain AERON_DIR SERVER_STREAM REPLY_STREAM NODE_PID (the secret on stdin); "
                + "nodes start workers themselves, for tasks and actors marked isolated()");
            System.exit(2);
        }
        System.setProperty("mobula.worker.process", "true"); // Mobula.current() says why it is unavailable here
        long nodePid = Long.parseLong(args[3]);
        ProcessHandle.of(nodePid).ifPresentOrElse(node -> node.onExit().thenRun(() -> Runtime.getRuntime().halt(0)),
            () -> Runtime.getRuntime().halt(0));
        byte[] key = System.in.readNBytes(ClusterSecret.BYTES);
        ClusterSecret secret = ClusterSecret.of(key);
        Arrays.fill(key, (byte) 0);
        Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(args[0]));
        AuthClient node = new AuthClient(aeron, AeronChannels.IPC, Integer.parseInt(args[1]), AeronChannels.IPC,
            Integer.parseInt(args[2]), secret, JOIN_TIMEOUT);
        WorkerMain worker = new WorkerMain(WorkerMain.class.getClassLoader());
        io.mobula.spi.IsolatedActorExit.install(worker::exitActor);
        worker.listenForInterrupts(new DataInputStream(System.in));
        worker.serve(node);
    }

    private void serve(AuthClient node) {
        this.node = node;
        byte[] answer = WorkerProtocol.hello(ProcessHandle.current().pid());
        long received = 0;
        while (true) {
            byte[] call = node.request(answer, IDLE_WAIT);
            synchronized (this) {
                running = ++received;
                runner = Thread.currentThread();
            }
            try {
                answer = run(call);
            } finally {
                synchronized (this) {
                    running = 0;
                    Thread.interrupted(); // an interrupt for this call ends with it
                }
            }
        }
    }

    /**
     * Reads the node's interrupts from standard input (the number of the call to interrupt, after the
     * secret) on a daemon thread: the call's thread is interrupted only while that call runs. The
     * input's end (the node gone) ends the thread; the node's death ends the process anyway.
     */
    private void listenForInterrupts(DataInputStream control) {
        Thread listener = new Thread(() -> {
            try {
                while (true) {
                    long number = control.readLong();
                    synchronized (this) {
                        if (number == running && runner != null) {
                            runner.interrupt();
                        }
                    }
                }
            } catch (IOException end) {
                // the node closed its end: no more interrupts
            }
        }, "mobula-worker-interrupts");
        listener.setDaemon(true);
        listener.start();
    }

    /** Runs one call; every outcome, failures included, becomes an answer. */
    private byte[] run(byte[] message) {
        WorkerProtocol.Call call;
        try {
            call = WorkerProtocol.readCall(codec, message);
        } catch (IOException | RuntimeException e) {
            return failure(e);
        }
        runningType = call.type();
        try {
            FunctionTarget target = targets.computeIfAbsent(call.className() + "." + call.methodName() + call.signature(),
                key -> FunctionTarget.find(loader, call.className(), call.methodName(), call.signature()));
            Object result;
            switch (call.type()) {
                case WorkerProtocol.CREATE -> {
                    actor = target.invoke(call.args());
                    result = null;
                }
                case WorkerProtocol.METHOD -> {
                    if (actor == null) {
                        throw new IllegalStateException("no actor lives in this worker process");
                    }
                    result = target.invokeOn(actor, call.args());
                }
                case WorkerProtocol.GENERATOR -> {
                    yieldEach(call.methodName(), target.invoke(call.args()));
                    result = null; // every value went to the node as it came
                }
                default -> result = target.invoke(call.args());
            }
            try {
                return WorkerProtocol.ok(codec, result);
            } catch (WorkerProtocol.ValueTooLargeException e) {
                return WorkerProtocol.failed(IllegalArgumentException.class.getName(), "the result of " + call.methodName()
                    + " takes " + e.size + " bytes; a worker process returns at most " + WorkerProtocol.MAX_MESSAGE_BYTES
                    + " bytes by copy for now; return less (or write it to a file and return the path), or run the "
                    + "task without isolated()", "");
            }
        } catch (Throwable thrown) {
            return failure(thrown);
        } finally {
            runningType = 0;
        }
    }

    /**
     * {@code Mobula.exitActor()} called in this process: tells the node, which ends the actor (and
     * this process) once the running method has answered.
     *
     * @throws IllegalStateException if no method of the actor runs on the calling thread.
     */
    private void exitActor() {
        if (Thread.currentThread() != runner || runningType != WorkerProtocol.METHOD) {
            throw new IllegalStateException("Mobula.exitActor() works only inside an actor's method, on the thread that "
                + "runs it (here: " + (runningType == WorkerProtocol.CREATE ? "the actor's constructor; throw from it to fail "
                + "the creation" : runningType == 0 || Thread.currentThread() != runner ? "another thread" : "a task")
                + "); to end an actor from outside, call kill(handle) on it");
        }
        try {
            WorkerProtocol.readResume(node.request(WorkerProtocol.exitActor(), RESUME_WAIT));
        } catch (MalformedMessageException e) {
            throw new IllegalStateException("the node answered an exit with a malformed message: " + e.getMessage(), e);
        }
    }

    /**
     * Sends each value of what a generator returned to the node as it is produced, going on once the
     * node has stored it; a value too large to cross fails the call there.
     */
    private void yieldEach(String method, Object returned) throws MalformedMessageException {
        Iterator<?> values = GeneratorValues.iteratorOf(method, returned);
        try {
            while (values.hasNext()) {
                byte[] value;
                try {
                    value = WorkerProtocol.yield(codec, values.next());
                } catch (WorkerProtocol.ValueTooLargeException e) {
                    throw new IllegalArgumentException("a value of the generator " + method + " takes " + e.size + " bytes; "
                        + "a worker process sends at most " + WorkerProtocol.MAX_MESSAGE_BYTES + " bytes by copy for now; "
                        + "yield smaller values, or run the task without isolated()");
                }
                WorkerProtocol.readResume(node.request(value, RESUME_WAIT));
            }
        } finally {
            if (returned instanceof BaseStream<?, ?> stream) {
                stream.close();
            }
        }
    }

    private static byte[] failure(Throwable thrown) {
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        return WorkerProtocol.failed(thrown.getClass().getName(), thrown.getMessage(), trace.toString());
    }
}
