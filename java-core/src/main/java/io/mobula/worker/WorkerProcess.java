package io.mobula.worker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.mobula.TaskCancelledException;
import io.mobula.transport.AuthServer;

/**
 * The node's handle on one worker process: its {@link Process}, and the way to its next call.
 * <p>
 * Life: STARTING (spawned, not yet joined) -> IDLE (joined, its request for work is held) -> BUSY
 * (a call sent, its answer awaited) -> IDLE ... -> DEAD at any point. The worker's request for work
 * is held as a {@link AuthServer.Reply} until there is a call to answer it with. One call at a time;
 * the pool (or the actor that owns the process) makes sure of that.
 */
final class WorkerProcess {
    private final Process process;
    private final long pid;
    private AuthServer.Reply nextCall;
    private CompletableFuture<byte[]> answer;
    private volatile boolean joined;

    WorkerProcess(Process process) {
        this.process = process;
        this.pid = process.pid();
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
        if (answer != null) {
            answer.completeExceptionally(new ProcessDied());
            answer = null;
        }
    }

    /**
     * Sends a call and waits for its answer. An interrupt (a cancel) kills the process, since the
     * call cannot be stopped any other way.
     *
     * @throws ProcessDied             if the process died before it answered.
     * @throws TaskCancelledException  if the waiting thread was interrupted.
     */
    byte[] call(byte[] message) throws ProcessDied {
        CompletableFuture<byte[]> pending = new CompletableFuture<>();
        synchronized (this) {
            if (nextCall == null || !process.isAlive()) {
                throw new ProcessDied();
            }
            answer = pending;
            AuthServer.Reply reply = nextCall;
            nextCall = null;
            reply.send(message);
        }
        try {
            return pending.get();
        } catch (ExecutionException e) {
            throw new ProcessDied();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new TaskCancelledException("interrupted while worker process " + pid + " ran the call; the process "
                + "was killed (a running call in another process cannot be stopped otherwise)");
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
