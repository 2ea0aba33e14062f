package io.mobula.cluster.objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.mobula.cluster.objects.PullProtocol.Answer;
import io.mobula.cluster.objects.PullProtocol.Request;
import io.mobula.store.InProcessObjectStore;
import io.mobula.store.ObjectBuilder;
import io.mobula.store.ObjectId;
import io.mobula.store.ObjectStore;
import io.mobula.store.StoreContext;
import io.mobula.transport.AuthServer;

/** A server's admission decisions, stepped on the test thread: serve, hold back, redirect, expire. */
class SendAdmissionTest {
    private final ObjectStore store = new InProcessObjectStore(new StoreContext().capacityBytes(1 << 20));
    private final ObjectId id = new ObjectId(1, 2);
    private final List<Request> started = new ArrayList<>();

    /** One request's way back: the answer it got, if any. */
    private static final class Captured implements AuthServer.Reply {
        Answer answer;

        @Override
        public void send(byte[] bytes) {
            try {
                answer = PullProtocol.readAnswer(bytes);
            } catch (io.mobula.transport.MalformedMessageException e) {
                throw new AssertionError(e);
            }
        }
    }

    private SendAdmission admission(long maxWaitNs) {
        ObjectBuilder builder = store.create(id, 64, 2);
        builder.seal();
        return new SendAdmission(store, 1, maxWaitNs, (request, view) -> {
            started.add(request);
            view.close();
            return true;
        });
    }

    private Captured send(SendAdmission admission, ObjectId object, String from) {
        Captured reply = new Captured();
        admission.onSend(new Request(PullProtocol.SEND, object, from.hashCode(), from), reply);
        return reply;
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void waitersGetTheFreedSlotFirstThenTheNewHolder() {
        SendAdmission admission = admission(Long.MAX_VALUE);
        Captured a = send(admission, id, "10.0.0.1:1");
        assertEquals(PullProtocol.ACCEPTED, a.answer.type());
        Captured b = send(admission, id, "10.0.0.2:1");
        Captured c = send(admission, id, "10.0.0.3:1");
        assertNull(b.answer, "held back while the only slot is busy and no holder is known");
        assertNull(c.answer);

        admission.onHolder(id, "10.0.0.1:1");
        assertNull(b.answer, "the slot that made the copy is not free yet");
        admission.onSendEnded();
        assertEquals(PullProtocol.ACCEPTED, b.answer.type(), "the first waiter takes the freed slot");
        assertEquals(PullProtocol.REDIRECT, c.answer.type());
        assertEquals(List.of("10.0.0.1:1"), c.answer.holders());
        assertEquals(2, started.size());

        Captured d = send(admission, id, "10.0.0.4:1");
        assertEquals(PullProtocol.REDIRECT, d.answer.type(), "busy, with a holder known: redirected at once");
        Captured self = send(admission, id, "10.0.0.1:1");
        assertNull(self.answer, "a holder is never redirected to itself");
    }

    @Test
    void aWaiterIsAnsweredBusyBeforeItsRequestTimesOut() {
        SendAdmission admission = admission(0);
        send(admission, id, "10.0.0.1:1");
        Captured b = send(admission, id, "10.0.0.2:1");
        assertNull(b.answer);
        admission.expireWaiters();
        assertEquals(PullProtocol.BUSY, b.answer.type());
        assertEquals(1, admission.busyAnswers());
    }

    @Test
    void anObjectNotHereIsMissingAtOnce() {
        SendAdmission admission = admission(Long.MAX_VALUE);
        assertEquals(PullProtocol.MISSING, send(admission, new ObjectId(9, 9), "10.0.0.1:1").answer.type());
        assertEquals(1, admission.missingAnswers());
        assertEquals(0, started.size());
    }
}
