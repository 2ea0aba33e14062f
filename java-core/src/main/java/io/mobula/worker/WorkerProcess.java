package io.mobula.worker;

import java.io.DataOutputStream;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.mobula.TaskCancelledException;
import io.mobula.transport.AuthServer;

/**
 * The node's handle on one worker process: its {@link Process}, and the way to its next call.
 * <p>
 * Life: STARTING (spawned, not yet joined) -> IDLE (joined, its request for work is held) -> BUSY
 * (a call sent, its answer awaited) -> IDLE ... -> DEAD at any point. The worker's request for work
 * is held as a {@link AuthServer.Reply} until there is a call to answer it with. One call at a time;
 * the pool (or the actor that owns the process) makes sure of that.
 * <p>
 * The process's standard input stays open after the secret: the node writes there the number of a
 * call to interrupt (calls are numbered from 1 in the order sent, on both sides), which the worker
 * acts on only while that very call runs, so an interrupt never lands on the next one.
 */
final class WorkerProcess {
    private final Process process;
    private final long pid;
    private AuthServer.Reply nextCall;
    private CompletableFuture<byte[]> answer;
    /** Where interrupts go: the process's standard input. */
    private final DataOutputStream control;
    /** Calls sent so far: the number of the one in flight. */
    private long callsSent;
    private volatile boolean joined;

    WorkerProcess(Process process) {
        this.process = process;
        this.pid = process.pid();
        this.control = new DataOutputStream(process.getOutputStream());
    }

    long pid() {
        return pid;
    }

    Process process() {
        return process;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    boolean hasJoined() {
        return joined;
    }

    /**
     * The exit status of a dead process (what it passed to exit, or 128 + the killing signal);
     * waits briefly for a dying one; -1 if it is still running.
     */
    int exitStatus() {
        try {
            if (process.waitFor(5, TimeUnit.SECONDS)) {
                return process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
    }

    /** Server thread: the worker asks for work, carrying the answer to its last call (or its hello). */
    synchronized void onRequest(byte[] payload, AuthServer.Reply reply, boolean hello) {
        nextCall = reply;
        if (hello) {
            joined = true;
        } else if (answer != null) {
            CompletableFuture<byte[]> done = answer;
            answer = null;
            done.complete(payload);
        }
    }

    /** The process ended: a call in flight fails (the caller reads the exit status). */
    synchronized void onExit() {
        nextCall = null;
        try {
            control.close();
        } catch (IOException e) {
            // the pipe's other end is gone with the process: nothing left to close there
        }
        if (answer != null) {
            answer.completeExceptionally(new ProcessDied());
            answer = null;
        }
    }

    /** Sends a call and waits for its answer (see the overload: no generator's values are expected). */
    byte[] call(byte[] message, BooleanSupplier forced) throws ProcessDied {
        return call(message, forced, null);
    }

    /**
     * Sends a call and waits for its answer. An interrupt of the waiting thread (a cancel) reads
     * {@code forced}: true kills the process; false interrupts the call's thread in the process and
     * goes on waiting for its answer (a call that ignores interrupts runs to its end; a later
     * interrupt reads {@code forced} again, so a forced cancel can still kill it). The thread's
     * interrupt flag is set again on return.
     *
     * @param yields hears each request the call makes before its answer (a value a generator call
     *               yields, an actor method's exit), on this thread, before the worker is told to go
     *               on (so a slow consumer slows the generator, never the server's thread); null for
     *               calls that make none. If it throws, the process is killed (it waits for
     *               a go-on that will not come) and the error is thrown here.
     * @throws ProcessDied             if the process died before it answered.
     * @throws TaskCancelledException  if the process was killed for a forced cancel.
     */
    byte[] call(byte[] message, BooleanSupplier forced, Consumer<byte[]> yields) throws ProcessDied {
        CompletableFuture<byte[]> pending;
        long number;
        synchronized (this) {
            if (nextCall == null || !process.isAlive()) {
                throw new ProcessDied();
            }
            number = ++callsSent;
            pending = send(message);
        }
        boolean interrupted = false;
        try {
            while (true) {
                byte[] received;
                try {
                    received = pending.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                    if (forced.getAsBoolean()) {
                        process.destroyForcibly();
                        throw new TaskCancelledException("worker process " + pid + " was killed by a forced cancel of "
                            + "the call it ran");
                    }
                    interruptCall(number);
                    continue;
                }
                if (yields == null || !WorkerProtocol.isInterim(received)) {
                    return received;
                }
                try {
                    yields.accept(received);
                } catch (RuntimeException e) {
                    process.destroyForcibly();
                    throw e;
                }
                synchronized (this) {
                    if (nextCall == null) { // it died while the value was stored
                        throw new ProcessDied();
                    }
                    pending = send(WorkerProtocol.resume());
                }
            }
        } catch (ExecutionException e) {
            throw new ProcessDied();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Answers the worker's held request with {@code message}; the future hears its next request. Under the monitor. */
    private CompletableFuture<byte[]> send(byte[] message) {
        CompletableFuture<byte[]> pending = new CompletableFuture<>();
        answer = pending;
        AuthServer.Reply reply = nextCall;
        nextCall = null;
        reply.send(message);
        return pending;
    }

    /** Asks the process to interrupt call {@code number}, if that call is still the one in flight. */
    private synchronized void interruptCall(long number) {
        if (answer == null || callsSent != number) {
            return;
        }
        try {
            control.writeLong(number);
            control.flush();
        } catch (IOException e) {
            // the process is dying: its exit fails the call
        }
    }

    /** Ends the process: SIGTERM, then SIGKILL if it has not gone after {@code graceMs}. */
    void stop(long graceMs) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(graceMs, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(graceMs, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "WorkerProcess{pid " + pid + (process.isAlive() ? "" : ", exited " + process.exitValue()) + "}";
    }

    /** The process died before answering. For efficiency it has no stack trace; callers turn it into a typed error. */
    static final class ProcessDied extends Exception {
        ProcessDied() {
            super("the worker process died", null, false, false);
        }
    }
}
