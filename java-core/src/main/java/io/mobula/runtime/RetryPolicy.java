package io.mobula.runtime;

import java.util.List;

import io.mobula.NodeDiedException;
import io.mobula.TaskException;
import io.mobula.WorkerCrashedException;

/**
 * When a failed run is tried again: up to {@code maxRetries} more times, and only for exceptions
 * the caller marked retryable ({@code retryOn} empty means none;
 * {@link io.mobula.spi.RetryOptions#ANY} means every exception). Application errors are not
 * retried unless asked, as in Ray.
 */
public record RetryPolicy(int maxRetries, List<Class<? extends Throwable>> retryOn) {
    public static final RetryPolicy NONE = new RetryPolicy(0, List.of());

    public RetryPolicy {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
        }
        retryOn = List.copyOf(retryOn);
    }

    /**
     * True if {@code error} is of a retryable type. An error thrown in another process arrives as a
     * {@link io.mobula.TaskException} carrying only the class name: that class is looked up here.
     */
    public boolean retries(Throwable error) {
        Class<?> remote = null;
        if (error instanceof TaskException task && task.getCause() == null && !retryOn.isEmpty()) {
            remote = remoteClass(task.remoteClassName());
        }
        for (Class<? extends Throwable> type : retryOn) {
            if (type.isInstance(error) || (remote != null && type.isAssignableFrom(remote))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code error} is a system failure rather than the task's own: the process or the node
     * running it died ({@link io.mobula.WorkerCrashedException}, {@link io.mobula.NodeDiedException},
     * here or reported from another process). These are always retried while retries are left,
     * as in Ray; an application's exceptions only when marked.
     */
    public static boolean systemFailure(Throwable error) {
        return TaskException.raised(error, NodeDiedException.class)
            || TaskException.raised(error, WorkerCrashedException.class);
    }

    /**
     * How long to wait before run {@code attempt} (2 for the first retry) after a system failure:
     * 50 ms, doubling, at most a second. A retry sent at once could meet the same dead node again
     * before the cluster's view says it died; sooner than Ray's default (none) only by that much.
     */
    public static long backoffMs(int attempt) {
        return Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(10, Math.max(0, attempt - 2)));
    }

    private static final long FIRST_BACKOFF_MS = 50;
    private static final long MAX_BACKOFF_MS = 1000;

    private static Class<?> remoteClass(String name) {
        try {
            return Class.forName(name, false, RetryPolicy.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }
}
