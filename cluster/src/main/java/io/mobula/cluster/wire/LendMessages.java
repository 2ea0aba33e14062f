package io.mobula.cluster.wire;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;

import io.mobula.store.ObjectId;

/**
 * Refs lent out of their owner, on the wire (answers are {@link RemoteCall} answers):
 * <pre>
 *   deposit:  0x15 | object id UTF | owner UTF | answer length i32 (-1: not ready yet) | answer
 *             (a driver lends an object through the node it is connected to; answered when the
 *             last borrower lets go of it, so the driver keeps it until then)
 *   ready:    0x16 | object id UTF | owner UTF | answer length i32 | answer
 *             (a deposited object that was not ready is now: its value, where it lives, or its failure)
 *   borrow:   0x17 | object id UTF | owner UTF   (one more borrower: a borrower passed the ref on)
 *   unborrow: 0x18 | object id UTF | owner UTF   (a borrower let go of it)
 *   read:     0x19 | object id UTF | lender node id UTF
 *             (answered, once it is ready, with its value or where it lives; fails with
 *             OwnerDiedException when its owner is gone)
 *   ready?:   0x1a | object id UTF | lender node id UTF
 *             (answered true once it is ready, without its value; failures as a read's)
 * </pre>
 * The answer a deposit carries is the answer a read gets. A {@code lender node id} that is not the
 * node's own means the node that lent it is gone (another process took its address).
 */
public final class LendMessages {
    public static final byte DEPOSIT = 21;
    public static final byte READY = 22;
    public static final byte BORROW = 23;
    static final byte UNBORROW = 24;
    public static final byte READ = 25;
    public static final byte PROBE = 26;

    /** A decoded message: {@code text} is the owner, or a read's lender node id; {@code answer} a deposit's or ready's. */
    public record Message(byte kind, ObjectId id, String text, byte[] answer) {
    }

    private LendMessages() {
    }

    public static boolean isLendMessage(byte[] payload) {
        return payload.length > 0 && payload[0] >= DEPOSIT && payload[0] <= PROBE;
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
        return WireBytes.of(out -> {
            out.writeByte(kind);
            out.writeUTF(id.toString());
            out.writeUTF(text);
        });
    }

    private static byte[] withAnswer(byte kind, ObjectId id, String owner, byte[] answer) {
        return WireBytes.of(out -> {
            out.writeByte(kind);
            out.writeUTF(id.toString());
            out.writeUTF(owner);
            out.writeInt(answer == null ? -1 : answer.length);
            if (answer != null) {
                out.write(answer);
            }
        });
    }

    /** @throws IOException for anything that is not a well-formed lend message. */
    public static Message decode(byte[] payload) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            byte kind = in.readByte();
            if (kind < DEPOSIT || kind > PROBE) {
                throw new IOException("not a lend message (kind " + kind + ")");
            }
            ObjectId id;
            try {
                id = ObjectId.parse(in.readUTF());
            } catch (IllegalArgumentException e) {
                throw new IOException("not an object id: " + e.getMessage());
            }
            String text = in.readUTF();
            if (kind != DEPOSIT && kind != READY) {
                return new Message(kind, id, text, null);
            }
            int length = in.readInt();
            if (length < -1 || length > RemoteCall.MAX_BYTES) {
                throw new IOException("an answer of " + length + " bytes");
            }
            if (length == -1 && kind == READY) {
                throw new IOException("a ready message without its answer");
            }
            return new Message(kind, id, text, length == -1 ? null : in.readNBytes(length));
        }
    }
}
