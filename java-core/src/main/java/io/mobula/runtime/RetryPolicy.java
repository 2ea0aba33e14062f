package io.mobula.runtime;

import java.util.List;

/**
 * When a failed run is tried again: up to {@code maxRetries} more times, and only for exceptions
 * the caller marked retryable ({@code retryOn} empty means none; {@link #ANY} means every
 * exception). Application errors are not retried unless asked, as in Ray.
 */
public record RetryPolicy(int maxRetries, List<Class<? extends Throwable>> retryOn) {
    /** Marks every exception retryable. */
    public static final List<Class<? extends Throwable>> ANY = List.of(Throwable.class);
    public static final RetryPolicy NONE = new RetryPolicy(0, List.of());

    public RetryPolicy {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
        }
        retryOn = List.copyOf(retryOn);
    }

    public boolean retries(Throwable error) {
        for (Class<? extends Throwable> type : retryOn) {
            if (type.isInstance(error)) {
                return true;
            }
        }
        return false;
    }
}
