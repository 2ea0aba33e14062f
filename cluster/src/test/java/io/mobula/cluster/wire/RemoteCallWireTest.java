package io.mobula.cluster.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.mobula.ActorDiedException;
import io.mobula.SchedulingStrategy;
import io.mobula.TaskException;
import io.mobula.cluster.ownership.NodeObject;
import io.mobula.store.ObjectId;
import io.mobula.transport.MalformedMessageException;
import io.mobula.transport.WireErrors;
import io.mobula.transport.WireInput;

/**
 * Work sent to a node and its answers: each kind read back as written; cut, padded, newer and
 * randomly flipped ones refused with the typed error and counted.
 */
class RemoteCallWireTest {
    private final NodeObject stored = new NodeObject(new ObjectId(5, 6), 3, 1L << 32, "/dev/shm/arena", "10.0.0.1:7",
        "10.0.0.1:8", "node-1");

    @Test
    void callsReadBackAsWritten() throws Exception {
        Map<String, Double> resources = new LinkedHashMap<>();
        resources.put("CPU", 1.5);
        resources.put("GPU", 1.0);
        RemoteCall.Call task = RemoteCall.task("job", "a.B", "f", "(I)I", resources, SchedulingStrategy.nodeAffinity("n-1", true),
            true, new Object[] {21, "x", new byte[] {1}}, RemoteCall.CODEC);
        RemoteCall.Call read = RemoteCall.decode(RemoteCall.encode(task));
        assertEquals(withoutArgs(task), withoutArgs(read));
        assertArrayEquals(task.encodedArgs(), read.encodedArgs());
        Object[] args = read.args(RemoteCall.CODEC, object -> object);
        assertEquals(List.of(21, "x"), List.of(args[0], args[1]));
        assertArrayEquals(new byte[] {1}, (byte[]) args[2]);

        RemoteCall.Call creation = RemoteCall.actorCreation("", "a.B", "<init>", "()V", null,
            new SchedulingStrategy.PlacementGroupBundle("g", 2), false, 3, 4, 1, true, "named", "team",
            List.of(new io.mobula.runtime.ConcurrencyGroups.Declared("io", 2, List.of(
                new io.mobula.runtime.ConcurrencyGroups.Method("a.B", "read", "()I"),
                new io.mobula.runtime.ConcurrencyGroups.Method("a.B", "write", "(I)V"))),
                new io.mobula.runtime.ConcurrencyGroups.Declared("compute", 1, List.of())), new Object[0], RemoteCall.CODEC);
        assertEquals("team", RemoteCall.decode(RemoteCall.encode(creation)).actorNamespace());
        assertEquals(withoutArgs(creation), withoutArgs(RemoteCall.decode(RemoteCall.encode(creation))));
        assertEquals(creation.concurrencyGroups(), RemoteCall.decode(RemoteCall.encode(creation)).concurrencyGroups());
        RemoteCall.Call call = RemoteCall.actorCall("", 77, "a.B", "g", "()V", "io", new Object[] {null}, RemoteCall.CODEC, null);
        assertEquals("io", RemoteCall.decode(RemoteCall.encode(call)).concurrencyGroup());
        assertEquals(withoutArgs(call), withoutArgs(RemoteCall.decode(RemoteCall.encode(call))));
        assertEquals(SchedulingStrategy.spread(), RemoteCall.decode(RemoteCall.encode(RemoteCall.task("", "a.B", "f", "()V",
            null, SchedulingStrategy.spread(), false, new Object[0], RemoteCall.CODEC))).strategy());
        RemoteCall.Call ofAJob = task.forJob(0xfedcba9876543210L); // the driver's job, beyond a long's sign bit
        assertEquals(0xfedcba9876543210L, RemoteCall.decode(RemoteCall.encode(ofAJob)).jobId());
        assertEquals(0L, read.jobId(), "no job said: the node's own");
        RemoteCall.Call kill = RemoteCall.decode(RemoteCall.actorKill(77));
        assertEquals(List.of(RemoteCall.ACTOR_KILL, 77L, false), List.of(kill.kind(), kill.actorId(), kill.killRestarts()));
        assertTrue(RemoteCall.decode(RemoteCall.actorKill(77, true)).killRestarts(), "a kill that restarts says so");
    }

    @Test
    void aCallsTaskIdAndItsCancelReadBackAsWritten() throws Exception {
        ObjectId id = new ObjectId(-3, 42);
        RemoteCall.Call task = RemoteCall.task("", "a.B", "f", "()V", null, SchedulingStrategy.defaultStrategy(), true,
            new Object[0], RemoteCall.CODEC, id);
        assertEquals(id, RemoteCall.decode(RemoteCall.encode(task)).taskId());
        assertEquals(id, RemoteCall.decode(RemoteCall.encode(task.placedHere())).taskId(), "passed on with its id");
        RemoteCall.Call call = RemoteCall.actorCall("", 77, "a.B", "g", "()V", null, new Object[0], RemoteCall.CODEC, id);
        assertEquals(id, RemoteCall.decode(RemoteCall.encode(call)).taskId());
        assertNull(RemoteCall.decode(RemoteCall.actorKill(77)).taskId(), "no id: nothing a cancel can name");

        for (boolean force : new boolean[] {false, true}) {
            for (boolean recursive : new boolean[] {false, true}) {
                byte[] cancel = RemoteCall.encodeCancel(new RemoteCall.Cancel(id, force, recursive));
                assertTrue(RemoteCall.isCancel(cancel));
                assertFalse(RemoteCall.isCall(cancel));
                assertEquals(new RemoteCall.Cancel(id, force, recursive), RemoteCall.decodeCancel(cancel));
            }
        }
        byte[] none = RemoteCall.encodeCancel(new RemoteCall.Cancel(new ObjectId(0, 0), false, true));
        assertEquals("taskId", assertThrows(MalformedMessageException.class, () -> RemoteCall.decodeCancel(none)).field());
    }

    @Test
    void aGeneratorsCallAndItsReadsReadBackAsWritten() throws Exception {
        ObjectId id = new ObjectId(5, -6);
        RemoteCall.Call task = RemoteCall.task("", "a.B", "rows", "()Ljava/util/Iterator;", null,
            SchedulingStrategy.defaultStrategy(), false, new Object[0], RemoteCall.CODEC, id);
        assertFalse(RemoteCall.decode(RemoteCall.encode(task)).generator());
        RemoteCall.Call generator = RemoteCall.decode(RemoteCall.encode(task.asGenerator()));
        assertTrue(generator.generator());
        assertTrue(RemoteCall.decode(RemoteCall.encode(generator.placedHere())).generator(), "passed on as a generator");
        assertThrows(IllegalStateException.class, () -> RemoteCall.task("", "a.B", "f", "()V", null,
            SchedulingStrategy.defaultStrategy(), false, new Object[0], RemoteCall.CODEC).asGenerator(), "no id to read it by");

        byte[] read = StreamMessages.read(id, 3);
        assertTrue(StreamMessages.isRead(read));
        assertFalse(RemoteCall.isCall(read));
        assertEquals(new StreamMessages.Read(id, 3), StreamMessages.decodeRead(read));
        assertEquals(new StreamMessages.Read(id, StreamMessages.CLOSE), StreamMessages.decodeRead(StreamMessages.close(id)));
        assertEquals("taskId", assertThrows(MalformedMessageException.class,
            () -> StreamMessages.decodeRead(StreamMessages.read(new ObjectId(0, 0), 0))).field());
        assertEquals("index", assertThrows(MalformedMessageException.class,
            () -> StreamMessages.decodeRead(StreamMessages.read(id, -2))).field());

        byte[] end = StreamMessages.end(4);
        assertTrue(StreamMessages.isEnd(end) && StreamMessages.isLast(end));
        assertEquals(4, StreamMessages.decodeEnd(end));
        assertTrue(StreamMessages.isLast(RemoteCall.encodeFailure("x.Boom", "bad", "")), "a failure is a stream's last");
        assertFalse(StreamMessages.isLast(RemoteCall.encodeResult(1)), "a value is not");
    }

    @Test
    void storedArgumentsAreFoundWithoutReadingValues() throws Exception {
        RemoteCall.Call task = RemoteCall.task("", "a.B", "f", "()V", null, SchedulingStrategy.defaultStrategy(), false,
            new Object[] {1}, RemoteCall.CODEC);
        assertEquals(List.of(), task.nodeObjects());
        assertEquals(stored, NodeObject.decode(stored.encode()));
    }

    @Test
    void answersReadBackAsWritten() throws Exception {
        assertEquals("done", RemoteCall.decodeAnswer(RemoteCall.encodeResult("done"), "f"));
        byte[] stayed = RemoteCall.encodeStayed(stored);
        assertTrue(RemoteCall.isStayed(stayed));
        assertEquals(stored, RemoteCall.decodeAnswer(stayed, "f"));
        byte[] failed = RemoteCall.encodeFailure("x.Boom", "bad", "at x");
        assertTrue(RemoteCall.isFailure(failed));
        TaskException thrown = assertThrows(TaskException.class, () -> RemoteCall.decodeAnswer(failed, "f"));
        assertEquals("bad", thrown.remoteMessage());
        assertThrows(ActorDiedException.class, () -> RemoteCall.decodeAnswer(
            RemoteCall.encodeFailure(ActorDiedException.class.getName(), "gone", ""), "f"));
    }

    @Test
    void cutPaddedAndNewerMessagesAreRefusedAndCounted() {
        for (byte[] whole : messages()) {
            for (int length = 0; length <= whole.length + 1; length++) {
                if (length == whole.length) {
                    continue;
                }
                byte[] changed = Arrays.copyOf(whole, length);
                long before = WireErrors.count();
                assertThrows(MalformedMessageException.class, () -> decode(whole, changed), "length " + length);
                assertEquals(before + 1, WireErrors.count());
            }
            byte[] newer = whole.clone();
            newer[6] = (byte) (WireInput.SCHEMA_VERSION + 1);
            assertEquals("header", assertThrows(MalformedMessageException.class, () -> decode(whole, newer)).field());
        }
    }

    /**
     * Seeded random byte flips: a message still reads, or is refused with the typed error and counted
     * (the store's codec may refuse a flipped value's own bytes, which is its error, not the wire's;
     * a flipped failure may read as another failure).
     */
    @Test
    void randomByteFlipsReadOrAreRefused() {
        Random random = new Random(5);
        List<byte[]> messages = messages();
        for (int i = 0; i < 20_000; i++) {
            byte[] whole = messages.get(random.nextInt(messages.size()));
            byte[] message = whole.clone();
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                message[random.nextInt(message.length)] ^= (byte) (1 << random.nextInt(8));
            }
            long before = WireErrors.count();
            try {
                decode(whole, message);
                assertEquals(before, WireErrors.count());
            } catch (MalformedMessageException e) {
                assertEquals(before + 1, WireErrors.count());
            } catch (IOException | RuntimeException e) {
                boolean expected = e instanceof io.mobula.MobulaException || Arrays.stream(e.getStackTrace())
                    .anyMatch(f -> f.getClassName().startsWith("io.mobula.store.codec") || f.getClassName().startsWith("org.apache.fory"));
                if (!expected) {
                    fail("a flipped message escaped the typed error: " + e, e);
                }
            }
        }
    }

    private List<byte[]> messages() {
        return List.of(RemoteCall.encode(RemoteCall.task("job", "a.B", "f", "(I)I", Map.of("CPU", 1.0),
                SchedulingStrategy.nodeAffinity("n", false), false, new Object[] {new byte[] {1, 2}}, RemoteCall.CODEC)),
            RemoteCall.actorKill(3), RemoteCall.encode(RemoteCall.task("", "a.B", "f", "()V", null,
                SchedulingStrategy.defaultStrategy(), false, new Object[] {new byte[] {1, 2}}, RemoteCall.CODEC)).clone(),
            RemoteCall.encodeResult(new byte[] {4, 5}), RemoteCall.encodeFailure("x.Boom", "bad", "at x"), stored.encode(),
            RemoteCall.encode(RemoteCall.task("", "a.B", "f", "()V", null, SchedulingStrategy.defaultStrategy(), false,
                new Object[0], RemoteCall.CODEC, new ObjectId(7, 8))),
            RemoteCall.encodeCancel(new RemoteCall.Cancel(new ObjectId(7, 8), true, false)),
            RemoteCall.encode(RemoteCall.task("", "a.B", "f", "()V", null, SchedulingStrategy.defaultStrategy(), false,
                new Object[0], RemoteCall.CODEC, new ObjectId(7, 9)).asGenerator()),
            StreamMessages.read(new ObjectId(7, 9), 2), StreamMessages.end(3));
    }

    /** Decodes {@code message} as {@code original} is decoded by its receiver (a call's arguments included). */
    private static Object decode(byte[] original, byte[] message) throws IOException {
        if (RemoteCall.isCancel(original)) {
            return RemoteCall.decodeCancel(message);
        }
        if (StreamMessages.isRead(original)) {
            return StreamMessages.decodeRead(message);
        }
        if (StreamMessages.isEnd(original)) {
            return StreamMessages.decodeEnd(message);
        }
        if (RemoteCall.isCall(original)) {
            RemoteCall.Call call = RemoteCall.decode(message);
            return call.args(RemoteCall.CODEC, object -> object);
        }
        return RemoteCall.decodeAnswer(message, "f");
    }

    private static List<Object> withoutArgs(RemoteCall.Call call) {
        return List.of(call.kind(), call.job(), call.className(), call.methodName(), call.signature(),
            String.valueOf(call.requested()), call.strategy(), call.placed(), call.isolated(), call.detached(), call.actorId(),
            call.maxRestarts(), call.maxConcurrency(), call.restarts(), call.actorName(), String.valueOf(call.taskId()));
    }
}
