package io.mobula.spi;

import java.util.List;

/**
 * How often a call runs again: up to {@code maxRetries} more times, after a system failure or an
 * exception of a {@code retryOn} type.
 */
public record RetryOptions(int maxRetries, List<Class<? extends Throwable>> retryOn) {
    /** Marks every exception retryable. */
    public static final List<Class<? extends Throwable>> ANY = List.of(Throwable.class);

    public RetryOptions {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
        }
        retryOn = List.copyOf(retryOn);
    }
}
