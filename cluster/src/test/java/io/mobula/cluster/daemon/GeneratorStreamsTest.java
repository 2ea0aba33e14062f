package io.mobula.cluster.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mobula.InfeasibleResourcesException;
import io.mobula.InternalAccess;
import io.mobula.Mobula;
import io.mobula.NodeContext;
import io.mobula.SchedulingStrategy;
import io.mobula.TaskException;
import io.mobula.cluster.wire.RemoteCall;
import io.mobula.cluster.wire.StreamMessages;
import io.mobula.function.Func0;
import io.mobula.runtime.NodeRuntime;
import io.mobula.runtime.RetryPolicy;
import io.mobula.runtime.RuntimeAccess;
import io.mobula.runtime.StreamedReturns;
import io.mobula.store.ObjectId;
import io.mobula.transport.AuthServer;

/**
 * A node's streams of generator calls, stepped by hand on an embedded runtime: reads answered as
 * values are made (one that comes early waits for its source), in order, then the end; a call
 * refused before it ran is what its reads get; a session that goes stops its generators.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GeneratorStreamsTest {
    private static final long SESSION = 11;
    private static final ObjectId TASK = new ObjectId(1, 2);
    static volatile CountDownLatch gate = new CountDownLatch(1);

    private Mobula mobula;
    private NodeRuntime runtime;
    private final List<ObjectId> stopped = new ArrayList<>();
    private GeneratorStreams streams;

    /** Yields 0, then waits for the gate, then yields 1. */
    static Iterator<Integer> zeroThenOneAfterGate() {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < 2;
            }

            @Override
            public Integer next() {
                if (next == 1) {
                    try {
                        if (!gate.await(20, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("the test never opened the gate");
                        }
                    } catch (InterruptedException e) {
                        throw new IllegalStateException("stopped", e);
                    }
                }
                return next++;
            }
        };
    }

    @BeforeEach
    void start() {
        gate = new CountDownLatch(1);
        mobula = Mobula.init(new NodeContext().cpus(2).sharedArena(false));
        runtime = RuntimeAccess.runtimeOf(mobula);
        streams = new GeneratorStreams(stopped::add);
    }

    @AfterEach
    void stop() {
        gate.countDown();
        mobula.close();
    }

    @Test
    void readsAreAnsweredAsValuesAreMadeInOrderThenTheEnd() throws Exception {
        streams.taken(SESSION, TASK);
        CompletableFuture<byte[]> first = read(SESSION, 0);
        assertFalse(first.isDone(), "no source yet: the read waits");

        StreamedReturns values = runtime.submitGenerator((Func0<Iterator<Integer>>) GeneratorStreamsTest::zeroThenOneAfterGate,
            new Object[0], null, RetryPolicy.NONE, SchedulingStrategy.defaultStrategy(), false, null);
        streams.runsHere(TASK, values, entry -> RemoteCall.encodeResult(InternalAccess.newRef(entry, runtime).get()));
        assertEquals(0, RemoteCall.decodeAnswer(first.get(20, TimeUnit.SECONDS), "f"));

        CompletableFuture<byte[]> second = read(SESSION, 1);
        assertThrows(java.util.concurrent.TimeoutException.class, () -> second.get(100, TimeUnit.MILLISECONDS),
            "held until the task makes it");
        gate.countDown();
        assertEquals(1, RemoteCall.decodeAnswer(second.get(20, TimeUnit.SECONDS), "f"));

        byte[] end = read(SESSION, 2).get(20, TimeUnit.SECONDS);
        assertTrue(StreamMessages.isEnd(end));
        assertEquals(2, StreamMessages.decodeEnd(end));
        assertEquals(0, streams.count(), "gone after its last answer");
        assertTrue(RemoteCall.isFailure(read(SESSION, 3).get(20, TimeUnit.SECONDS)), "nothing left to read");
        assertEquals(List.of(), stopped);
    }

    @Test
    void aReadOutOfOrderIsRefusedAndEndsTheStream() throws Exception {
        streams.taken(SESSION, TASK);
        StreamedReturns values = runtime.submitGenerator((Func0<Iterator<Integer>>) GeneratorStreamsTest::zeroThenOneAfterGate,
            new Object[0], null, RetryPolicy.NONE, SchedulingStrategy.defaultStrategy(), false, null);
        streams.runsHere(TASK, values, entry -> RemoteCall.encodeResult(InternalAccess.newRef(entry, runtime).get()));
        byte[] outOfOrder = read(SESSION, 1).get(20, TimeUnit.SECONDS);
        TaskException refused = assertThrows(TaskException.class, () -> RemoteCall.decodeAnswer(outOfOrder, "f"));
        assertTrue(refused.getMessage().contains("0 is the next"), refused.getMessage());
        assertEquals(0, streams.count(), "a reader that skips is broken: nothing more is read");
    }

    @Test
    void aCallRefusedBeforeItRanIsWhatItsReadsGet() throws Exception {
        streams.taken(SESSION, TASK);
        CompletableFuture<byte[]> early = read(SESSION, 0);
        streams.callAnswered(TASK, RemoteCall.encodeFailure("io.mobula.InfeasibleResourcesException", "no node fits", ""));
        InfeasibleResourcesException refused = assertThrows(InfeasibleResourcesException.class,
            () -> RemoteCall.decodeAnswer(early.get(20, TimeUnit.SECONDS), "f"));
        assertTrue(refused.getMessage().contains("no node fits"), refused.getMessage());
        assertEquals(0, streams.count());
    }

    @Test
    void aSessionThatGoesStopsItsGeneratorsAndOthersCannotReadThem() throws Exception {
        streams.taken(SESSION, TASK);
        assertTrue(RemoteCall.isFailure(read(SESSION + 1, 0).get(20, TimeUnit.SECONDS)), "another session's read");
        CompletableFuture<byte[]> waiting = read(SESSION, 0);
        streams.sessionEnded(SESSION);
        assertEquals(List.of(TASK), stopped, "its task is stopped where it runs");
        assertEquals(0, streams.count());
        assertFalse(waiting.isDone(), "its reader is gone: nothing answers it");

        ObjectId answered = new ObjectId(3, 4);
        streams.taken(SESSION, answered);
        streams.callAnswered(answered, RemoteCall.encodeResult(null));
        CompletableFuture<byte[]> closed = new CompletableFuture<>();
        streams.read(SESSION, new StreamMessages.Read(answered, StreamMessages.CLOSE), closed::complete);
        assertEquals(Boolean.TRUE, RemoteCall.decodeAnswer(closed.get(20, TimeUnit.SECONDS), "f"));
        assertEquals(List.of(TASK), stopped, "a task that ended is not stopped again");
    }

    private CompletableFuture<byte[]> read(long session, long index) {
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        AuthServer.Reply reply = answer::complete;
        streams.read(session, new StreamMessages.Read(TASK, index), reply);
        return answer;
    }
}
