package io.mobula.node;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;

import io.mobula.store.ObjectId;

/**
 * Objects kept in a node's store for their owners, on the wire (answers are {@link RemoteCall}
 * answers):
 * <pre>
 *   read:     0x12 | object id UTF | offset i64 | length i32   (answered with the bytes)
 *   release:  0x13 | object id UTF                             (its owner holds it no more)
 * </pre>
 */
final class ObjectMessages {
    static final byte READ = 18;
    static final byte RELEASE = 19;
    /** Pieces well under a message's limit. */
    static final int PIECE_BYTES = 1 << 20;

    record Message(byte kind, ObjectId id, long offset, int length) {
    }

    private ObjectMessages() {
    }

    static byte[] read(ObjectId id, long offset, int length) {
        return WireBytes.of(out -> {
            out.writeByte(READ);
            out.writeUTF(id.toString());
            out.writeLong(offset);
            out.writeInt(length);
        });
    }

    static byte[] release(ObjectId id) {
        return WireBytes.of(out -> {
            out.writeByte(RELEASE);
            out.writeUTF(id.toString());
        });
    }

    static Message decode(byte[] payload) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            byte kind = in.readByte();
            ObjectId id;
            try {
                id = ObjectId.parse(in.readUTF());
            } catch (IllegalArgumentException e) {
                throw new IOException("not an object id: " + e.getMessage());
            }
            if (kind == RELEASE) {
                return new Message(kind, id, 0, 0);
            }
            if (kind != READ) {
                throw new IOException("not an object message (kind " + kind + ")");
            }
            long offset = in.readLong();
            int length = in.readInt();
            if (offset < 0 || length < 0 || length > PIECE_BYTES) {
                throw new IOException("a read of " + length + " bytes at " + offset);
            }
            return new Message(kind, id, offset, length);
        }
    }
}
