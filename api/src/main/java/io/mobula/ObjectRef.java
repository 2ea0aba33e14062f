package io.mobula;

import java.time.Duration;

import io.mobula.spi.MobulaRuntime;
import io.mobula.spi.ObjectState;

/**
 * A reference to an object in the store: the future result of a task or actor call, or a value
 * {@code put} there. Pass it to other tasks as an argument (they run once it is ready and receive
 * its value) or nest it inside a value (it stays a ref). Equal refs name the same object.
 * <p>
 * The object lives as long as some ref to it (or a task waiting on it) is reachable.
 */
public final class ObjectRef<T> {
    private final ObjectState entry;
    private final MobulaRuntime runtime;

    ObjectRef(ObjectState entry, MobulaRuntime runtime) {
        this.entry = entry;
        this.runtime = runtime;
    }

    ObjectState entry() {
        return entry;
    }

    MobulaRuntime runtime() {
        return runtime;
    }

    /** The object's id as 32 hex digits. */
    public String id() {
        return entry.id().toString();
    }

    /** @return true once the object is ready (or its task failed); never blocks. */
    public boolean isReady() {
        return entry.isReady();
    }

    /**
     * Waits for the value.
     *
     * @throws TaskException          if the task threw.
     * @throws TaskCancelledException if it was cancelled.
     * @throws ActorDiedException     if its actor died.
     */
    @SuppressWarnings("unchecked")
    public T get() {
        return (T) runtime.get(entry, Long.MAX_VALUE);
    }

    /**
     * Waits at most {@code timeout} for the value.
     *
     * @throws GetTimeoutException if it is not ready by then.
     */
    @SuppressWarnings("unchecked")
    public T get(Duration timeout) {
        return (T) runtime.get(entry, Mobula.toNanos(timeout));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ObjectRef<?> ref && ref.entry.id().equals(entry.id());
    }

    @Override
    public int hashCode() {
        return entry.id().hashCode();
    }

    @Override
    public String toString() {
        return "ObjectRef(" + entry.id() + ")";
    }
}
