package io.mobula;

import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;

import io.mobula.spi.MobulaRuntime;
import io.mobula.spi.StreamState;

/**
 * The refs of a streaming generator task ({@link TaskCall#remoteGenerator()}, Ray's streaming
 * generators), each ready as soon as the task has produced its value, in the order produced.
 * <pre>{@code
 * ObjectRefGenerator<Row> rows = mobula.task(Reader::rows, path).remoteGenerator();
 * for (ObjectRef<Row> row : rows) {          // each arrives while the task goes on
 *     handle(row.get());
 * }
 * }</pre>
 * If the task throws, the refs of the values it produced before stay good, the next ref's
 * {@code get} throws the failure ({@link TaskException}, or the failure that stopped it), and the
 * stream ends there. One consumer at a time: a ref is handed out once. Thread safe.
 */
public final class ObjectRefGenerator<T> implements Iterable<ObjectRef<T>> {
    private final StreamState stream;
    private final MobulaRuntime runtime;
    /** A ref taken by {@link Itr#hasNext()} and not handed out yet. */
    private ObjectRef<T> peeked;

    ObjectRefGenerator(StreamState stream, MobulaRuntime runtime) {
        this.stream = stream;
        this.runtime = runtime;
    }

    /**
     * The next ref, waiting at most {@code timeout} for the task to produce its value.
     *
     * @throws NoSuchElementException if the stream has ended (the task returned, or its failure was handed out).
     * @throws GetTimeoutException    if the task produced nothing more within the timeout (the stream goes on).
     */
    public synchronized ObjectRef<T> next(Duration timeout) {
        ObjectRef<T> next = take(Mobula.toNanos(timeout));
        if (next == null) {
            throw new NoSuchElementException("the generator has ended: every value its task produced was handed out");
        }
        return next;
    }

    /** The next ref, or null at the end; peeked first. */
    private ObjectRef<T> take(long timeoutNs) {
        if (peeked != null) {
            ObjectRef<T> ref = peeked;
            peeked = null;
            return ref;
        }
        var state = stream.next(timeoutNs);
        return state == null ? null : new ObjectRef<>(state, runtime);
    }

    /** Iterates the refs as they come, each {@code hasNext} waiting (with no deadline) for the next value or the end. */
    @Override
    public Iterator<ObjectRef<T>> iterator() {
        return new Itr();
    }

    private final class Itr implements Iterator<ObjectRef<T>> {
        @Override
        public boolean hasNext() {
            synchronized (ObjectRefGenerator.this) {
                if (peeked == null) {
                    peeked = take(Long.MAX_VALUE);
                }
                return peeked != null;
            }
        }

        @Override
        public ObjectRef<T> next() {
            synchronized (ObjectRefGenerator.this) {
                if (!hasNext()) {
                    throw new NoSuchElementException("the generator has ended");
                }
                ObjectRef<T> ref = peeked;
                peeked = null;
                return ref;
            }
        }
    }
}
