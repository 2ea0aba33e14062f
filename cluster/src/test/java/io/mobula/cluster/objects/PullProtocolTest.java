package io.mobula.cluster.objects;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mobula.cluster.objects.PullProtocol.Answer;
import io.mobula.cluster.objects.PullProtocol.MalformedMessageException;
import io.mobula.cluster.objects.PullProtocol.Request;
import io.mobula.store.ObjectId;

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
        assertThrows(MalformedMessageException.class, () -> PullProtocol.readRequest(PullProtocol.answer(99)));
        assertThrows(MalformedMessageException.class, () -> PullProtocol.readRequest(null));

        byte[] redirect = PullProtocol.redirect(List.of("10.0.0.1:1"));
        for (int cut = 0; cut < redirect.length; cut++) {
            byte[] shorter = Arrays.copyOf(redirect, cut);
            assertThrows(MalformedMessageException.class, () -> PullProtocol.readAnswer(shorter), "cut at " + cut);
        }
        byte[] forged = redirect.clone();
        forged[4] = 100; // claims 100 holders
        assertThrows(MalformedMessageException.class, () -> PullProtocol.readAnswer(forged));
        byte[] negative = PullProtocol.found(5, 1);
        negative[15] = (byte) 0x80; // a negative size
        assertThrows(MalformedMessageException.class, () -> PullProtocol.readAnswer(negative));
        assertThrows(MalformedMessageException.class, () -> PullProtocol.readAnswer(new byte[] {42, 0, 0, 0}));
        assertArrayEquals(PullProtocol.answer(PullProtocol.ACK), PullProtocol.answer(PullProtocol.ACK));
    }
}
