package io.mobula.cluster.driver;

import io.mobula.RuntimeClosedException;
import io.mobula.cluster.wire.PeerSessions;
import io.mobula.cluster.wire.RemoteCall;
import io.mobula.cluster.wire.StreamMessages;
import io.mobula.runtime.ClusterLink.StreamSink;
import io.mobula.runtime.TaskSpec;
import io.mobula.store.codec.ValueCodec;

/**
 * Reads the values of a connected driver's streaming generators from the node it sent them to, one
 * read after another ({@link StreamMessages}): each read is answered as soon as the task has made
 * that value, so a value is here while the task goes on. A read is sent only once the value before
 * is stored, so values arrive in order and the node holds at most one read per generator. The
 * stream ends with the node's end, the task's failure, or the failure of a read (the node died:
 * {@link io.mobula.NodeDiedException}, as a call in flight gets; the driver closed:
 * {@link RuntimeClosedException}).
 */
final class DriverStreams {
    private final PeerSessions sessions;
    /** The driver's classes' codec, refs nested in values crossing through its lending. */
    private final ValueCodec codec;
    private final DriverObjects objects;
    /** Says why a read could not reach its node, as for a call. */
    private final DriverCalls calls;
    private volatile boolean closed;

    DriverStreams(PeerSessions sessions, ValueCodec codec, DriverObjects objects, DriverCalls calls) {
        this.sessions = sessions;
        this.codec = codec;
        this.objects = objects;
        this.calls = calls;
    }

    /** Reads the values of {@code spec}, a generator whose call was just sent to {@code node}, into {@code sink}. */
    void read(String node, TaskSpec spec, StreamSink sink) {
        readAt(node, spec, sink, 0);
    }

    private void readAt(String node, TaskSpec spec, StreamSink sink, long index) {
        if (closed) {
            sink.end(closing(spec));
            return;
        }
        // The answer is taken off the session's reader thread: storing a value may write it to a node
        // and wait for that answer, which this reader delivers.
        sessions.send(node, StreamMessages.read(spec.resultId(), index), (answer, failure) -> Thread.ofVirtual()
            .name("mobula-stream-read").start(() -> take(node, spec, sink, index, answer, failure)));
    }

    private void take(String node, TaskSpec spec, StreamSink sink, long index, byte[] answer, Throwable failure) {
        if (failure != null) {
            sink.end(closed ? closing(spec) : calls.unreachable(node, spec, failure));
            return;
        }
        Object value;
        try {
            if (StreamMessages.isEnd(answer)) {
                sink.end(null);
                return;
            }
            // held with no lineage: a generator is not run again to make one of its values again
            value = objects.held(RemoteCall.decodeAnswer(answer, spec.displayName(), codec), null, null);
        } catch (Exception e) {
            sink.end(e); // the task's failure at this place, or the node's refusal of the read
            return;
        }
        sink.value(value);
        readAt(node, spec, sink, index + 1);
    }

    private static RuntimeClosedException closing(TaskSpec spec) {
        return new RuntimeClosedException("the driver closed while reading the values of the generator "
            + spec.displayName() + "; its task on the node is stopped");
    }

    /** The driver is closing: reads in flight end their streams as closed, and none is sent after. */
    void close() {
        closed = true;
    }
}
