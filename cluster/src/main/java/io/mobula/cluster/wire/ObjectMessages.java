package io.mobula.cluster.wire;

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
 *   write:    0x14 | object id UTF | kind i32 | size i64 | offset i64 | length i32 | bytes
 *             (a driver's large value, stored here in pieces; the last piece is answered with
 *             where it lives, as a result that stayed is)
 * </pre>
 */
public final class ObjectMessages {
    public static final byte READ = 18;
    public static final byte RELEASE = 19;
    public static final byte WRITE = 20;
    /** Pieces well under a message's limit. */
    public static final int PIECE_BYTES = 1 << 20;

    /** A decoded message; {@code valueKind}, {@code size} and {@code bytes} are a write's. */
    public record Message(byte kind, ObjectId id, long offset, int length, int valueKind, long size, byte[] bytes) {
    }

    private ObjectMessages() {
    }

    public static byte[] read(ObjectId id, long offset, int length) {
        return WireBytes.of(out -> {
            out.writeByte(READ);
            out.writeUTF(id.toString());
            out.writeLong(offset);
            out.writeInt(length);
        });
    }

    public static byte[] release(ObjectId id) {
        return WireBytes.of(out -> {
            out.writeByte(RELEASE);
            out.writeUTF(id.toString());
        });
    }

    public static byte[] write(ObjectId id, int kind, long size, long offset, byte[] piece) {
        return WireBytes.of(out -> {
            out.writeByte(WRITE);
            out.writeUTF(id.toString());
            out.writeInt(kind);
            out.writeLong(size);
            out.writeLong(offset);
            out.writeInt(piece.length);
            out.write(piece);
        });
    }

    public static Message decode(byte[] payload) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            byte kind = in.readByte();
            ObjectId id;
            try {
                id = ObjectId.parse(in.readUTF());
            } catch (IllegalArgumentException e) {
                throw new IOException("not an object id: " + e.getMessage());
            }
            if (kind == RELEASE) {
                return new Message(kind, id, 0, 0, 0, 0, null);
            }
            if (kind == WRITE) {
                int valueKind = in.readInt();
                long size = in.readLong();
                long offset = in.readLong();
                int length = in.readInt();
                if (size < 0 || offset < 0 || length < 0 || length > PIECE_BYTES || offset + length > size) {
                    throw new IOException("a piece of " + length + " bytes at " + offset + " of an object of " + size);
                }
                return new Message(kind, id, offset, length, valueKind, size, in.readNBytes(length));
            }
            if (kind != READ) {
                throw new IOException("not an object message (kind " + kind + ")");
            }
            long offset = in.readLong();
            int length = in.readInt();
            if (offset < 0 || length < 0 || length > PIECE_BYTES) {
                throw new IOException("a read of " + length + " bytes at " + offset);
            }
            return new Message(kind, id, offset, length, 0, 0, null);
        }
    }
}
