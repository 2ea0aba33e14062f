package io.mobula.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.mobula.store.codec.ValueCodec;
import io.mobula.transport.MalformedMessageException;
import io.mobula.transport.WireErrors;
import io.mobula.transport.WireInput;

/** The node <-> worker messages: each one round trip, and damaged ones rejected, typed and counted. */
class WorkerProtocolTest {
    private final ValueCodec codec = WorkerProtocol.codec(WorkerProtocolTest.class.getClassLoader());

    @Test
    void helloRoundTrips() throws Exception {
        byte[] hello = WorkerProtocol.hello(4242);
        assertTrue(WorkerProtocol.isHello(hello));
        assertEquals(4242, WorkerProtocol.readHello(hello));
    }

    @Test
    void callRoundTrips() throws Exception {
        byte[] message = WorkerProtocol.call(codec, WorkerProtocol.METHOD, "a.B$C", "add", "(II)I",
            new Object[] {1, "two", new byte[] {3, 4}, List.of(5L), null});
        WorkerProtocol.Call call = WorkerProtocol.readCall(codec, message);
        assertEquals(WorkerProtocol.METHOD, call.type());
        assertEquals("a.B$C", call.className());
        assertEquals("add", call.methodName());
        assertEquals("(II)I", call.signature());
        assertEquals(1, call.args()[0]);
        assertEquals("two", call.args()[1]);
        assertArrayEquals(new byte[] {3, 4}, (byte[]) call.args()[2]);
        assertEquals(List.of(5L), call.args()[3]);
        assertNull(call.args()[4]);
    }

    @Test
    void answersRoundTrip() throws Exception {
        assertEquals("result", WorkerProtocol.readAnswer(codec, WorkerProtocol.ok(codec, "result")));
        WorkerProtocol.Failure failure = assertInstanceOf(WorkerProtocol.Failure.class,
            WorkerProtocol.readAnswer(codec, WorkerProtocol.failed("x.Boom", null, "at x.Boom")));
        assertEquals("x.Boom", failure.className());
        assertNull(failure.message());
        assertEquals("at x.Boom", failure.stackTrace());
    }

    @Test
    void aGeneratorsCallValuesAndResumeRoundTrip() throws Exception {
        WorkerProtocol.Call call = WorkerProtocol.readCall(codec, WorkerProtocol.call(codec, WorkerProtocol.GENERATOR, "a.B",
            "rows", "(I)Ljava/util/Iterator;", new Object[] {3}));
        assertEquals(WorkerProtocol.GENERATOR, call.type());
        byte[] yielded = WorkerProtocol.yield(codec, List.of("row", 1));
        assertTrue(WorkerProtocol.isYield(yielded));
        assertEquals(List.of("row", 1), WorkerProtocol.readYield(codec, yielded));
        WorkerProtocol.readResume(WorkerProtocol.resume());
        assertThrows(MalformedMessageException.class, () -> WorkerProtocol.readResume(yielded), "a value is no resume");
        assertTrue(!WorkerProtocol.isYield(WorkerProtocol.ok(codec, 1)), "an answer is no value");
    }

    @Test
    void anActorsExitRequestRoundTripsAndIsNoValue() throws Exception {
        byte[] exit = WorkerProtocol.exitActor();
        assertTrue(WorkerProtocol.isExitActor(exit) && WorkerProtocol.isInterim(exit));
        WorkerProtocol.readExitActor(exit);
        assertTrue(!WorkerProtocol.isYield(exit), "an exit is no generator value");
        assertThrows(MalformedMessageException.class, () -> WorkerProtocol.readExitActor(WorkerProtocol.resume()));
        assertTrue(!WorkerProtocol.isInterim(WorkerProtocol.ok(codec, 1)), "an answer ends the call");
    }

    @Test
    void everyCutShortMessageIsRejectedAndCounted() {
        for (byte[] whole : messages()) {
            for (int length = 0; length < whole.length; length++) {
                byte[] cut = Arrays.copyOf(whole, length);
                long before = WireErrors.count();
                assertThrows(MalformedMessageException.class, () -> readAny(cut), "cut at " + length);
                assertEquals(before + 1, WireErrors.count());
            }
        }
    }

    @Test
    void aNewerSchemaVersionIsRejected() {
        byte[] hello = WorkerProtocol.hello(1);
        hello[6] = (byte) (WireInput.SCHEMA_VERSION + 1); // the header's version, little-endian u16 at 6
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> WorkerProtocol.readHello(hello));
        assertEquals("WorkerHello", e.messageName());
        assertEquals("header", e.field());
        assertTrue(e.getMessage().contains("version"), e.getMessage());
    }

    @Test
    void aLengthPastTheEndNamesItsField() {
        byte[] failed = WorkerProtocol.failed("x.Boom", "m", "t");
        int classNameLength = WireInput.HEADER_LENGTH; // WorkerFailed has no fixed fields: className's length comes first
        failed[classNameLength + 3] = 0x7f;
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
            () -> WorkerProtocol.readAnswer(codec, failed));
        assertEquals("className", e.field());
    }

    /**
     * Random byte flips: each message either still reads, or is rejected with the typed error (the
     * store's codec may refuse a flipped value's own bytes, which is its error, not the wire's).
     */
    @Test
    void randomByteFlipsNeverEscapeTheTypedError() {
        Random random = new Random(7101);
        List<byte[]> messages = messages();
        for (int i = 0; i < 20_000; i++) {
            byte[] message = messages.get(random.nextInt(messages.size())).clone();
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                message[random.nextInt(message.length)] ^= (byte) (1 << random.nextInt(8));
            }
            long before = WireErrors.count();
            try {
                readAny(message);
                assertEquals(before, WireErrors.count());
            } catch (MalformedMessageException e) {
                assertEquals(before + 1, WireErrors.count());
            } catch (RuntimeException e) {
                StackTraceElement[] where = e.getStackTrace();
                boolean fromTheCodec = Arrays.stream(where).anyMatch(f -> f.getClassName().startsWith("io.mobula.store.codec")
                    || f.getClassName().startsWith("org.apache.fory"));
                if (!fromTheCodec) {
                    fail("a flipped message escaped the typed error: " + e, e);
                }
            }
        }
    }

    private List<byte[]> messages() {
        return List.of(WorkerProtocol.hello(77),
            WorkerProtocol.call(codec, WorkerProtocol.RUN, "a.B", "f", "()V", new Object[] {new byte[] {1, 2, 3}, 9L}),
            WorkerProtocol.ok(codec, new byte[] {5, 6}),
            WorkerProtocol.failed("x.Boom", "bad", "at x.Boom.f"),
            WorkerProtocol.yield(codec, new long[] {7, 8}));
    }

    private Object readAny(byte[] message) throws MalformedMessageException {
        if (WorkerProtocol.isHello(message)) {
            return WorkerProtocol.readHello(message);
        }
        if (WireInput.templateId(message) == io.mobula.transport.codec.WorkerCallDecoder.TEMPLATE_ID) {
            return WorkerProtocol.readCall(codec, message);
        }
        if (WorkerProtocol.isYield(message)) {
            return WorkerProtocol.readYield(codec, message);
        }
        return WorkerProtocol.readAnswer(codec, message);
    }
}
