package io.mobula.spi;

/** What a runtime knows of the values a streaming generator task produces, behind an {@link io.mobula.ObjectRefGenerator}. */
public interface StreamState {
    /**
     * The next value's object, as soon as the task has produced it, waiting up to {@code timeoutNs};
     * null once the stream has ended (every value taken). A task that failed yields one more
     * object, holding its failure, before the end.
     *
     * @throws io.mobula.GetTimeoutException if none came within the timeout.
     */
    ObjectState next(long timeoutNs);
}
