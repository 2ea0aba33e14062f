package io.mobula.runtime;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.stream.BaseStream;

import io.mobula.GetTimeoutException;
import io.mobula.MobulaException;
import io.mobula.spi.StreamState;
import io.mobula.store.ObjectId;

/**
 * The values of a streaming generator task, in the order produced: each stored in an entry of its
 * own by the task's thread as soon as it is produced, and taken by the caller. The stream ends when
 * the task's own result completes: after its last value, or after one more entry holding the failure
 * that stopped it (also one from before it ran: refused, cancelled, the node closing).
 */
final class StreamedReturns implements StreamState {
    private final ArrayDeque<ObjectEntry> produced = new ArrayDeque<>();
    /** The id of the entry that holds the task's failure, if it fails. */
    private final ObjectId failureId;
    private boolean ended;

    private StreamedReturns(ObjectId failureId) {
        this.failureId = failureId;
    }

    /** Makes {@code task} a generator: its values go to this stream, which ends with its result. */
    static StreamedReturns of(NodeRuntime runtime, TaskSpec task) {
        StreamedReturns stream = new StreamedReturns(runtime.newObjectId());
        task.stream = stream;
        ObjectEntry result = task.result;
        result.whenReady(() -> stream.end(result));
        return stream;
    }

    /**
     * Runs through what a generator task returned, storing each value in an entry of its own and
     * handing it to the caller at once.
     *
     * @throws MobulaException if the function returned no iterator, iterable or stream; what the
     *                         iteration throws, as it is.
     */
    static void produce(NodeRuntime runtime, TaskSpec task, Object returned) {
        Iterator<?> values = iteratorOf(task, returned);
        try {
            while (values.hasNext()) {
                Object value = values.next();
                ObjectEntry entry = new ObjectEntry(runtime.newObjectId());
                entry.complete(runtime.marshaller().marshal(value, entry.id()));
                task.stream.add(entry);
            }
        } finally {
            if (returned instanceof BaseStream<?, ?> stream) {
                stream.close();
            }
        }
    }

    private static Iterator<?> iteratorOf(TaskSpec task, Object returned) {
        return switch (returned) {
            case Iterator<?> iterator -> iterator;
            case Iterable<?> iterable -> iterable.iterator();
            case BaseStream<?, ?> stream -> stream.iterator();
            case null, default -> throw new MobulaException(task.displayName() + " was submitted as a generator "
                + "(remoteGenerator()) but returned " + (returned == null ? "null" : "a " + returned.getClass().getName())
                + "; return an Iterator, an Iterable or a Stream of its values, or submit it with remote()");
        };
    }

    private synchronized void add(ObjectEntry entry) {
        produced.add(entry);
        notifyAll();
    }

    /** The task's result completed: a failure is the last entry; then the end. */
    private synchronized void end(ObjectEntry result) {
        if (result.stored() instanceof StoredValues.Failed failed) {
            produced.add(new ObjectEntry(failureId, failed));
        }
        ended = true;
        notifyAll();
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
