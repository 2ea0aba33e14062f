package io.mobula.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.BaseStream;

import io.mobula.GetTimeoutException;
import io.mobula.MobulaException;
import io.mobula.spi.StreamState;
import io.mobula.store.ObjectId;
import io.mobula.worker.GeneratorValues;

/**
 * The values of a streaming generator task, in the order produced: each stored in an entry of its
 * own as soon as it is produced (by the task's thread, by the thread that hears a worker process
 * yield it, or, on a connected driver, by the thread that reads it from the node running the task),
 * and taken by the caller. The stream ends when the task's own result completes: after its last
 * value, or after one more entry holding the failure that stopped it (also one from before it ran:
 * refused, cancelled, the node closing).
 * <p>
 * Two ways to take values: {@link #next} waits (the {@link io.mobula.ObjectRefGenerator}'s way);
 * {@link #poll} with {@link #whenProduced} never blocks (a node answering a driver's reads from its
 * server's threads). Thread safe.
 */
public final class StreamedReturns implements StreamState {
    /**
     * What a {@link WorkSite} returns from {@code runTask} for a generator whose values it stored as
     * they came (a worker process yields them one by one): nothing is left to run through.
     */
    static final Object PRODUCED = new Object();

    private final ArrayDeque<ObjectEntry> produced = new ArrayDeque<>();
    /** Run once when a value comes or the stream ends; guarded by this. */
    private List<Runnable> listeners = new ArrayList<>();
    /** The id of the entry that holds the task's failure, if it fails. */
    private final ObjectId failureId;
    /** The task's own result: null once it has run through its values, else its failure. */
    private final ObjectEntry result;
    private boolean ended;

    private StreamedReturns(ObjectId failureId, ObjectEntry result) {
        this.failureId = failureId;
        this.result = result;
    }

    /** Makes {@code task} a generator: its values go to this stream, which ends with its result. */
    static StreamedReturns of(NodeRuntime runtime, TaskSpec task) {
        ObjectEntry result = task.result;
        StreamedReturns stream = new StreamedReturns(runtime.newObjectId(), result);
        task.stream = stream;
        result.whenReady(() -> stream.end(result));
        return stream;
    }

    /**
     * The generator task's own result, complete once the task has ended (after its last value was
     * stored): null, or the failure that stopped it; a cancel of it stops the task.
     */
    public ObjectEntry result() {
        return result;
    }

    /**
     * Runs through what a generator task returned, storing each value in an entry of its own and
     * handing it to the caller at once.
     *
     * @throws MobulaException if the function returned no iterator, iterable or stream; what the
     *                         iteration throws, as it is.
     */
    static void produce(NodeRuntime runtime, TaskSpec task, Object returned) {
        if (returned == PRODUCED) {
            return;
        }
        Iterator<?> values = GeneratorValues.iteratorOf(task.displayName(), returned);
        try {
            while (values.hasNext()) {
                store(runtime, task, values.next());
            }
        } finally {
            if (returned instanceof BaseStream<?, ?> stream) {
                stream.close();
            }
        }
    }

    /** Stores one value of {@code task}, just produced, in an entry of its own and hands it to the caller. */
    static void store(NodeRuntime runtime, TaskSpec task, Object value) {
        ObjectEntry entry = new ObjectEntry(runtime.newObjectId());
        entry.complete(runtime.marshaller().marshal(value, entry.id()));
        task.stream.add(entry);
    }

    private void add(ObjectEntry entry) {
        List<Runnable> waiting;
        synchronized (this) {
            produced.add(entry);
            notifyAll();
            waiting = takeListeners();
        }
        waiting.forEach(Runnable::run);
    }

    /** The task's result completed: a failure is the last entry; then the end. */
    private void end(ObjectEntry result) {
        List<Runnable> waiting;
        synchronized (this) {
            if (result.stored() instanceof StoredValues.Failed failed) {
                produced.add(new ObjectEntry(failureId, failed));
            }
            ended = true;
            notifyAll();
            waiting = takeListeners();
        }
        waiting.forEach(Runnable::run);
    }

    private List<Runnable> takeListeners() {
        List<Runnable> waiting = listeners;
        listeners = waiting.isEmpty() ? waiting : new ArrayList<>();
        return waiting;
    }

    /** The next value's entry if it was produced, without waiting; null if none is there yet, or the stream {@link #drained}. */
    public synchronized ObjectEntry poll() {
        return produced.poll();
    }

    /** Whether the stream has ended and every entry was taken. */
    public synchronized boolean drained() {
        return ended && produced.isEmpty();
    }

    /**
     * Runs {@code listener} once, on the thread that stores the next value or ends the stream (it
     * must be quick), or at once on this thread if a value is waiting or the stream has ended.
     */
    public void whenProduced(Runnable listener) {
        synchronized (this) {
            if (produced.isEmpty() && !ended) {
                listeners.add(listener);
                return;
            }
        }
        listener.run();
    }

    @Override
    public ObjectEntry next(long timeoutNs) {
        long deadline = System.nanoTime() + timeoutNs;
        synchronized (this) {
            while (produced.isEmpty() && !ended) {
                long left = timeoutNs == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
                if (left <= 0) {
                    throw new GetTimeoutException("the generator's task produced no next value within "
                        + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms; wait longer, or check the task");
                }
                try {
                    if (left == Long.MAX_VALUE) {
                        wait();
                    } else {
                        TimeUnit.NANOSECONDS.timedWait(this, left);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new MobulaException("interrupted while waiting for a generator's next value", e);
                }
            }
            return produced.poll(); // null: ended, every value taken
        }
    }
}
