package io.mobula;

/**
 * The worker process running an isolated task died before it answered ({@code System.exit},
 * {@code Runtime.halt}, a native fault, {@code kill -9}) and the task had no retries left.
 * A crash is always retryable for an isolated task: it runs again, in a fresh worker process,
 * up to its {@code maxRetries}, without {@code retryExceptions}.
 * <p>
 * It is a {@link TaskException} whose remote class is this one's and whose stack trace is empty:
 * the process that could have printed one is gone.
 */
public class WorkerCrashedException extends TaskException {
    private final long pid;
    private final int exitStatus;
    private final int attempts;

    public WorkerCrashedException(String functionName, long pid, int exitStatus, int attempts) {
        super(functionName + " crashed its worker process (pid " + pid + ", exit status " + exitStatus
            + describe(exitStatus) + ")" + (attempts > 1 ? " on each of " + attempts + " attempts" : "")
            + "; the node replaced the worker. Find why the process ended (System.exit, Runtime.halt, a native "
            + "fault, a kill) or allow more attempts with maxRetries(n)",
            functionName, WorkerCrashedException.class.getName(), "worker process " + pid + " exited with status "
            + exitStatus, "");
        this.pid = pid;
        this.exitStatus = exitStatus;
        this.attempts = attempts;
    }

    private static String describe(int exitStatus) {
        return exitStatus > 128 && exitStatus < 128 + 65 ? ", killed by signal " + (exitStatus - 128) : "";
    }

    /** The process id of the worker that died (on the last attempt). */
    public long pid() {
        return pid;
    }

    /** The worker's exit status: what it passed to {@code exit}/{@code halt}, or 128 + the signal that killed it. */
    public int exitStatus() {
        return exitStatus;
    }

    /** How many times the task ran, each time ending in a crash. */
    public int attempts() {
        return attempts;
    }
}
