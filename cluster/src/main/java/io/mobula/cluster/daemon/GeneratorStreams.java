package io.mobula.cluster.daemon;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

import io.mobula.cluster.wire.RemoteCall;
import io.mobula.cluster.wire.StreamMessages;
import io.mobula.runtime.ObjectEntry;
import io.mobula.runtime.StreamedReturns;
import io.mobula.store.ObjectId;
import io.mobula.transport.AuthServer;

/**
 * The streaming generator calls this node took, by task id, until their values are read
 * ({@link StreamMessages}): each read by the session that sent the call (a driver, or the node that
 * passed the call here), one value after another. Where a stream's values come from is known once
 * its call is placed: the task's values here ({@link #runsHere}), the node the call was passed to
 * (reads passed on, answers relayed: {@link #passedOn}), or the failure the call was answered with
 * before it ran ({@link #callAnswered}). A read that comes before then waits for it. Reads are
 * answered when the value is made, never by blocking the server's thread; a stream goes once its
 * last answer (its end, or its failure) is sent, or with the session reading it, whose task is then
 * stopped. Thread safe.
 */
final class GeneratorStreams {
    /** Where a stream's values come from. */
    interface Source {
        /** Answers the read of value {@code index} once it is made (a RemoteCall answer, or StreamEnd). */
        void read(long index, AuthServer.Reply reply);

        /** The reader is gone: nothing more is read (a source here has nothing to let go: its task is stopped apart). */
        default void close() {
        }
    }

    private final Map<ObjectId, Stream> streams = new ConcurrentHashMap<>();
    /** Stops a stream's task when its reader goes (a cancel, by task id, where it runs). */
    private final Consumer<ObjectId> stopTask;

    GeneratorStreams(Consumer<ObjectId> stopTask) {
        this.stopTask = stopTask;
    }

    /** A generator call arrived from {@code session}, which reads its stream. */
    void taken(long session, ObjectId taskId) {
        streams.put(taskId, new Stream(session, taskId));
    }

    /** The call runs here: its values are {@code values}, each answered as {@code answer} says. */
    void runsHere(ObjectId taskId, StreamedReturns values, Function<ObjectEntry, byte[]> answer) {
        attach(taskId, new LocalValues(values, answer));
    }

    /** The call was passed on: reads go where it went. */
    void passedOn(ObjectId taskId, Source peer) {
        attach(taskId, peer);
    }

    /**
     * The call was answered: its task ended. A failure answered before its stream had a source (the
     * call was refused, or could not be passed on) is what reading it gives.
     */
    void callAnswered(ObjectId taskId, byte[] answer) {
        Stream stream = streams.get(taskId);
        if (stream == null) {
            return;
        }
        stream.callAnswered = true;
        if (RemoteCall.isFailure(answer)) {
            stream.attach((index, reply) -> reply.send(answer), false);
        }
    }

    private void attach(ObjectId taskId, Source source) {
        Stream stream = streams.get(taskId);
        if (stream != null) {
            stream.attach(source, true);
        }
    }

    /**
     * A read of a stream, from {@code session}; a close ends it (and stops its task) and is answered
     * true. A stream this node does not have, or one read by another session, is answered with a
     * failure naming it; so is a read out of order, which ends the stream (its reader is broken).
     */
    void read(long session, StreamMessages.Read read, AuthServer.Reply reply) {
        Stream stream = streams.get(read.taskId());
        if (stream == null || stream.session != session) {
            reply.send(read.index() == StreamMessages.CLOSE ? RemoteCall.encodeResult(Boolean.FALSE)
                : RemoteCall.encodeFailure(IllegalStateException.class.getName(), "no generator with task id " + read.taskId()
                + " is read here: its call never reached this node, or its values were all read", ""));
            return;
        }
        if (read.index() == StreamMessages.CLOSE) {
            end(stream);
            reply.send(RemoteCall.encodeResult(Boolean.TRUE));
            return;
        }
        stream.read(read.index(), answer -> {
            if (StreamMessages.isLast(answer)) {
                streams.remove(stream.taskId, stream);
            }
            reply.send(answer);
        });
    }

    /** A session ended: the streams it read go, and their tasks stop. */
    void sessionEnded(long session) {
        for (Stream stream : streams.values()) {
            if (stream.session == session) {
                end(stream);
            }
        }
    }

    private void end(Stream stream) {
        if (streams.remove(stream.taskId, stream)) {
            stream.close();
            if (!stream.callAnswered) {
                stopTask.accept(stream.taskId);
            }
        }
    }

    /** How many streams are being read (for status and tests). */
    int count() {
        return streams.size();
    }

    /** One generator call's stream: its reader, its source once known, and a read that came before it. */
    private static final class Stream {
        final long session;
        final ObjectId taskId;
        volatile boolean callAnswered;
        /** Guarded by this, as are the two below. */
        private Source source;
        private long waitingIndex;
        private AuthServer.Reply waiting;
        private boolean closed;

        Stream(long session, ObjectId taskId) {
            this.session = session;
            this.taskId = taskId;
        }

        /** Sets the source, unless one is set already and {@code replace} is false; a read waiting for it goes now. */
        void attach(Source source, boolean replace) {
            long index;
            AuthServer.Reply reply;
            synchronized (this) {
                if (closed || (this.source != null && !replace)) {
                    return;
                }
                this.source = source;
                reply = waiting;
                index = waitingIndex;
                waiting = null;
            }
            if (reply != null) {
                source.read(index, reply);
            }
        }

        void read(long index, AuthServer.Reply reply) {
            Source known;
            synchronized (this) {
                if (source == null) {
                    waitingIndex = index;
                    waiting = reply;
                    return;
                }
                known = source;
            }
            known.read(index, reply);
        }

        void close() {
            Source known;
            synchronized (this) {
                closed = true;
                known = source;
                waiting = null;
            }
            if (known != null) {
                known.close();
            }
        }
    }

    /** A stream whose task runs here: each read answered from its values as they are made. */
    private static final class LocalValues implements Source {
        private final StreamedReturns values;
        private final Function<ObjectEntry, byte[]> answer;
        /** The index of the next value to hand out; guarded by this. */
        private long next;

        LocalValues(StreamedReturns values, Function<ObjectEntry, byte[]> answer) {
            this.values = values;
            this.answer = answer;
        }

        @Override
        public void read(long index, AuthServer.Reply reply) {
            ObjectEntry value;
            long count;
            synchronized (this) {
                if (index != next) {
                    reply.send(RemoteCall.encodeFailure(IllegalStateException.class.getName(), "value " + index
                        + " of a generator was read while " + next + " is the next; read each once, in order", ""));
                    return;
                }
                value = values.poll();
                if (value != null) {
                    next++;
                }
                count = next;
            }
            if (value != null) {
                reply.send(answer.apply(value));
            } else if (values.drained()) {
                reply.send(StreamMessages.end(count));
            } else {
                values.whenProduced(() -> read(index, reply)); // held until the task makes it, or ends
            }
        }
    }
}
