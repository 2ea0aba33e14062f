package io.mobula.cluster.objects;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.mobula.cluster.objects.PullProtocol.Answer;
import io.mobula.cluster.objects.PullProtocol.Request;
import io.mobula.store.ObjectId;
import io.mobula.transport.MalformedMessageException;
import io.mobula.transport.WireErrors;
import io.mobula.transport.WireInput;

/** The object managers' messages: each one read back as written, and every cut or forged one refused. */
class PullProtocolTest {
    private final ObjectId id = new ObjectId(0x0123456789ABCDEFL, -2);

    @Test
    void requestsReadBackAsWritten() throws Exception {
        assertEquals(new Request(PullProtocol.LOCATE, id, 0, null), PullProtocol.readRequest(PullProtocol.locate(id)));
        assertEquals(new Request(PullProtocol.SEND, id, -7, "10.0.0.2:5000"),
            PullProtocol.readRequest(PullProtocol.send(id, -7, "10.0.0.2:5000")));
        assertEquals(new Request(PullProtocol.DONE, id, 9, "127.0.0.1:1"), PullProtocol.readRequest(PullProtocol.done(id, 9, "127.0.0.1:1")));
        assertNull(PullProtocol.readRequest(PullProtocol.done(id, 9, null)).address(), "a failed transfer names no holder");
    }

    @Test
    void answersReadBackAsWritten() throws Exception {
        assertEquals(new Answer(PullProtocol.FOUND, 1L << 40, 7, List.of()), PullProtocol.readAnswer(PullProtocol.found(1L << 40, 7)));
        for (int type : new int[] {PullProtocol.MISSING, PullProtocol.ACCEPTED, PullProtocol.BUSY, PullProtocol.ACK}) {
            assertEquals(type, PullProtocol.readAnswer(PullProtocol.answer(type)).type());
        }
        List<String> holders = List.of("10.0.0.1:1", "10.0.0.2:2");
        assertEquals(holders, PullProtocol.readAnswer(PullProtocol.redirect(holders)).holders());
    }

    @Test
    void cutForgedOrUnknownMessagesAreRefused() {
        byte[] send = PullProtocol.send(id, 1, "10.0.0.2:5000");
        for (int cut = 0; cut < send.length; cut++) {
            byte[] shorter = Arrays.copyOf(send, cut);
            assertThrows(MalformedMessageException.class, () -> PullProtocol.readRequest(shorter), "cut at " + cut);
        }
        byte[] longer = Arrays.copyOf(send, send.length + 1);
        assertThrows(MalformedMessageException.class, () -> PullProtocol.readRequest(longer));
        assertThrows(MalformedMessageException.class, () -> PullProtocol.readRequest(PullProtocol.send(id, 1, "no port")));
        assertThrows(MalformedMessageException.class, () -> PullProtocol.readRequest(PullProtocol.send(id, 1, "")));
        assertThrows(MalformedMessageException.class, () -> PullProtocol.readRequest(PullProtocol.answer(PullProtocol.ACK)));
        assertThrows(MalformedMessageException.class, () -> PullProtocol.readRequest(null));

        byte[] redirect = PullProtocol.redirect(List.of("10.0.0.1:1"));
        for (int cut = 0; cut < redirect.length; cut++) {
            byte[] shorter = Arrays.copyOf(redirect, cut);
            assertThrows(MalformedMessageException.class, () -> PullProtocol.readAnswer(shorter), "cut at " + cut);
        }
        byte[] forged = redirect.clone();
        forged[WireInput.HEADER_LENGTH + 2] = 100; // the holders group's count (u16 after its block length): claims 100
        assertThrows(MalformedMessageException.class, () -> PullProtocol.readAnswer(forged));
        byte[] negative = PullProtocol.found(5, 1);
        negative[WireInput.HEADER_LENGTH + 4 + 7] = (byte) 0x80; // the top byte of size (after kind i32): negative
        assertThrows(MalformedMessageException.class, () -> PullProtocol.readAnswer(negative));
        assertThrows(MalformedMessageException.class, () -> PullProtocol.readAnswer(new byte[] {42, 0, 0, 0}));
        assertArrayEquals(PullProtocol.answer(PullProtocol.ACK), PullProtocol.answer(PullProtocol.ACK));
    }

    @Test
    void aNewerSchemaVersionIsRefusedAndCounted() {
        byte[] locate = PullProtocol.locate(id);
        locate[6] = (byte) (WireInput.SCHEMA_VERSION + 1); // the header's version (u16 at 6)
        long before = WireErrors.count();
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> PullProtocol.readRequest(locate));
        assertEquals("header", e.field());
        assertEquals(before + 1, WireErrors.count());
    }

    /** Seeded random byte flips: every message still reads, or is refused with the typed error and counted. */
    @Test
    void randomByteFlipsReadOrAreRefused() {
        List<byte[]> requests = List.of(PullProtocol.locate(id), PullProtocol.send(id, 3, "10.0.0.2:5000"),
            PullProtocol.done(id, 4, "127.0.0.1:1"), PullProtocol.done(id, 4, null));
        List<byte[]> answers = List.of(PullProtocol.found(99, 2), PullProtocol.answer(PullProtocol.BUSY),
            PullProtocol.redirect(List.of("10.0.0.1:1", "[::1]:7")));
        Random random = new Random(51);
        for (int i = 0; i < 20_000; i++) {
            boolean request = random.nextBoolean();
            List<byte[]> from = request ? requests : answers;
            byte[] message = from.get(random.nextInt(from.size())).clone();
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                message[random.nextInt(message.length)] ^= (byte) (1 << random.nextInt(8));
            }
            long before = WireErrors.count();
            try {
                if (request) {
                    PullProtocol.readRequest(message);
                } else {
                    PullProtocol.readAnswer(message);
                }
                assertEquals(before, WireErrors.count());
            } catch (MalformedMessageException e) {
                assertEquals(before + 1, WireErrors.count());
            }
        }
    }
}
