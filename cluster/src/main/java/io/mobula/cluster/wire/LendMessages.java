package io.mobula.cluster.wire;

import io.mobula.store.ObjectId;
import io.mobula.transport.MalformedMessageException;
import io.mobula.transport.WireInput;
import io.mobula.transport.WireOutput;
import io.mobula.transport.codec.LendDecoder;
import io.mobula.transport.codec.LendEncoder;
import io.mobula.transport.codec.LendKind;

/**
 * Refs lent out of their owner, on the wire (answers are {@link RemoteCall} answers): one schema
 * message, {@code Lend}, whose kind says which:
 * <pre>
 *   DEPOSIT   id | owner | answered | answer   (a driver lends an object through the node it is
 *             connected to; answered when the last borrower lets go of it, so the driver keeps it
 *             until then; answered 0: not ready yet)
 *   READY     id | owner | answer              (a deposited object that was not ready is now: its
 *                                              value, where it lives, or its failure)
 *   BORROW    id | owner                       (one more borrower: a borrower passed the ref on)
 *   UNBORROW  id | owner                       (a borrower let go of it)
 *   READ      id | lender node id              (answered, once it is ready, with its value or where
 *                                              it lives; fails with OwnerDiedException when its owner is gone)
 *   PROBE     id | lender node id              (answered true once it is ready, without its value;
 *                                              failures as a read's)
 * </pre>
 * The answer a deposit carries is the answer a read gets. A {@code lender node id} that is not the
 * node's own means the node that lent it is gone (another process took its address).
 */
public final class LendMessages {
    /** A message's kind: the values of the schema's {@code LendKind}. */
    public static final byte DEPOSIT = 21;
    public static final byte READY = 22;
    public static final byte BORROW = 23;
    static final byte UNBORROW = 24;
    public static final byte READ = 25;
    public static final byte PROBE = 26;
    /** The schema version that brought the message in. */
    private static final int SINCE_VERSION = 4;
    private static final int MAX_TEXT_BYTES = 4096;

    /** A decoded message: {@code text} is the owner, or a read's lender node id; {@code answer} a deposit's or ready's. */
    public record Message(byte kind, ObjectId id, String text, byte[] answer) {
    }

    private LendMessages() {
    }

    /** Whether a payload is one of these (a dispatcher's test: the header's template). */
    public static boolean isLendMessage(byte[] payload) {
        return WireInput.templateId(payload) == LendDecoder.TEMPLATE_ID;
    }

    public static byte[] deposit(ObjectId id, String owner, byte[] answer) {
        return withAnswer(DEPOSIT, id, owner, answer);
    }

    public static byte[] ready(ObjectId id, String owner, byte[] answer) {
        return withAnswer(READY, id, owner, answer);
    }

    public static byte[] borrow(ObjectId id, String owner) {
        return plain(BORROW, id, owner);
    }

    public static byte[] unborrow(ObjectId id, String owner) {
        return plain(UNBORROW, id, owner);
    }

    public static byte[] read(ObjectId id, String lenderNodeId) {
        return plain(READ, id, lenderNodeId);
    }

    public static byte[] probe(ObjectId id, String lenderNodeId) {
        return plain(PROBE, id, lenderNodeId);
    }

    private static byte[] plain(byte kind, ObjectId id, String text) {
        return withAnswer(kind, id, text, null);
    }

    private static byte[] withAnswer(byte kind, ObjectId id, String text, byte[] answer) {
        WireOutput out = new WireOutput(128 + (answer == null ? 0 : answer.length));
        LendEncoder encoder = new LendEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header()).kind(LendKind.get((short) kind));
        encoder.id().high(id.high()).low(id.low());
        encoder.answered((short) (answer == null ? 0 : 1)).text(text);
        if (answer == null) {
            encoder.putAnswer(new byte[0], 0, 0);
        } else {
            encoder.putAnswer(answer, 0, answer.length);
        }
        return out.bytes(encoder.encodedLength());
    }

    /** @throws MalformedMessageException for anything that is not a well-formed lend message. */
    public static Message decode(byte[] payload) throws MalformedMessageException {
        LendDecoder decoder = new LendDecoder();
        WireInput in = WireInput.open(payload, decoder, SINCE_VERSION);
        short raw = decoder.kindRaw(); // raw: the generated enum lookup throws an untyped error for an unknown value
        if (raw < DEPOSIT || raw > PROBE) {
            throw in.malformed("kind", "not a lend message: " + raw);
        }
        byte kind = (byte) raw;
        ObjectId id = new ObjectId(decoder.id().high(), decoder.id().low());
        short answered = decoder.answered();
        in.data(decoder.limit(), "text", MAX_TEXT_BYTES);
        String text = decoder.text();
        int length = in.data(decoder.limit(), "answer", RemoteCall.MAX_BYTES);
        byte[] answer = new byte[length];
        decoder.getAnswer(answer, 0, length);
        in.end(decoder.limit());
        if (answered > 1 || (answered == 0 && length > 0)) {
            throw in.malformed("answered", answered + " with an answer of " + length + " bytes");
        }
        if (answered == 0 && kind == READY) {
            throw in.malformed("answered", "a ready message without its answer");
        }
        boolean carries = kind == DEPOSIT || kind == READY;
        return new Message(kind, id, text, carries && answered == 1 ? answer : null);
    }
}
