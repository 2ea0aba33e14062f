package io.mobula.cluster.wire;

import io.mobula.store.ObjectId;
import io.mobula.transport.MalformedMessageException;
import io.mobula.transport.WireInput;
import io.mobula.transport.WireOutput;
import io.mobula.transport.codec.ObjectFreeDecoder;
import io.mobula.transport.codec.ObjectFreeEncoder;
import io.mobula.transport.codec.ObjectReadDecoder;
import io.mobula.transport.codec.ObjectReadEncoder;
import io.mobula.transport.codec.ObjectReleaseDecoder;
import io.mobula.transport.codec.ObjectReleaseEncoder;
import io.mobula.transport.codec.ObjectWriteDecoder;
import io.mobula.transport.codec.ObjectWriteEncoder;

/**
 * Objects kept in a node's store for their owners, on the wire (answers are {@link RemoteCall}
 * answers), as the schema's messages:
 * <pre>
 *   ObjectRead     id | position | length       (answered with the bytes)
 *   ObjectRelease  id                           (its owner holds it no more)
 *   ObjectFree     id                           (its owner freed it: drop its value now; answered once dropped)
 *   ObjectWrite    id | kind | size | position | bytes
 *                  (a driver's large value, stored here in pieces; the last piece is answered with
 *                  where it lives, as a result that stayed is)
 * </pre>
 */
public final class ObjectMessages {
    /** A message's kind, as {@link #kind} names it for a dispatcher. */
    public static final byte READ = 18;
    public static final byte RELEASE = 19;
    public static final byte WRITE = 20;
    public static final byte FREE = 21;
    /** Pieces well under a message's limit. */
    public static final int PIECE_BYTES = 1 << 20;
    /** The schema version that brought the messages in. */
    private static final int SINCE_VERSION = 4;

    /** A decoded message; {@code valueKind}, {@code size} and {@code bytes} are a write's. */
    public record Message(byte kind, ObjectId id, long offset, int length, int valueKind, long size, byte[] bytes) {
    }

    private ObjectMessages() {
    }

    /** The schema version that brought ObjectFree in. */
    private static final int FREE_SINCE_VERSION = 8;

    /** @return READ, RELEASE, WRITE or FREE for a payload of these (by the header's template), else 0. */
    public static byte kind(byte[] payload) {
        return switch (WireInput.templateId(payload)) {
            case ObjectReadDecoder.TEMPLATE_ID -> READ;
            case ObjectReleaseDecoder.TEMPLATE_ID -> RELEASE;
            case ObjectWriteDecoder.TEMPLATE_ID -> WRITE;
            case ObjectFreeDecoder.TEMPLATE_ID -> FREE;
            default -> 0;
        };
    }

    public static byte[] read(ObjectId id, long offset, int length) {
        WireOutput out = new WireOutput(WireInput.HEADER_LENGTH + ObjectReadEncoder.BLOCK_LENGTH);
        ObjectReadEncoder encoder = new ObjectReadEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header());
        encoder.id().high(id.high()).low(id.low());
        encoder.position(offset).length(length);
        return out.bytes(encoder.encodedLength());
    }

    public static byte[] release(ObjectId id) {
        WireOutput out = new WireOutput(WireInput.HEADER_LENGTH + ObjectReleaseEncoder.BLOCK_LENGTH);
        ObjectReleaseEncoder encoder = new ObjectReleaseEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header());
        encoder.id().high(id.high()).low(id.low());
        return out.bytes(encoder.encodedLength());
    }

    public static byte[] free(ObjectId id) {
        WireOutput out = new WireOutput(WireInput.HEADER_LENGTH + ObjectFreeEncoder.BLOCK_LENGTH);
        ObjectFreeEncoder encoder = new ObjectFreeEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header());
        encoder.id().high(id.high()).low(id.low());
        return out.bytes(encoder.encodedLength());
    }

    public static byte[] write(ObjectId id, int kind, long size, long offset, byte[] piece) {
        WireOutput out = new WireOutput(64 + piece.length);
        ObjectWriteEncoder encoder = new ObjectWriteEncoder().wrapAndApplyHeader(out.buffer(), 0, out.header());
        encoder.id().high(id.high()).low(id.low());
        encoder.kind(kind).size(size).position(offset).putBytes(piece, 0, piece.length);
        return out.bytes(encoder.encodedLength());
    }

    public static Message decode(byte[] payload) throws MalformedMessageException {
        switch (kind(payload)) {
            case RELEASE -> {
                ObjectReleaseDecoder decoder = new ObjectReleaseDecoder();
                WireInput in = WireInput.open(payload, decoder, SINCE_VERSION);
                in.end(decoder.limit());
                return new Message(RELEASE, new ObjectId(decoder.id().high(), decoder.id().low()), 0, 0, 0, 0, null);
            }
            case FREE -> {
                ObjectFreeDecoder decoder = new ObjectFreeDecoder();
                WireInput in = WireInput.open(payload, decoder, FREE_SINCE_VERSION);
                in.end(decoder.limit());
                return new Message(FREE, new ObjectId(decoder.id().high(), decoder.id().low()), 0, 0, 0, 0, null);
            }
            case WRITE -> {
                ObjectWriteDecoder decoder = new ObjectWriteDecoder();
                WireInput in = WireInput.open(payload, decoder, SINCE_VERSION);
                ObjectId id = new ObjectId(decoder.id().high(), decoder.id().low());
                int valueKind = decoder.kind();
                long size = decoder.size();
                long offset = decoder.position();
                int length = in.data(decoder.limit(), "bytes", PIECE_BYTES);
                byte[] bytes = new byte[length];
                decoder.getBytes(bytes, 0, length);
                in.end(decoder.limit());
                if (size < 0 || offset < 0 || offset + length > size) {
                    throw in.malformed("position", "a piece of " + length + " bytes at " + offset + " of an object of "
                        + size);
                }
                return new Message(WRITE, id, offset, length, valueKind, size, bytes);
            }
            default -> {
                ObjectReadDecoder decoder = new ObjectReadDecoder();
                WireInput in = WireInput.open(payload, decoder, SINCE_VERSION);
                in.end(decoder.limit());
                long offset = decoder.position();
                int length = decoder.length();
                if (offset < 0 || length < 0 || length > PIECE_BYTES) {
                    throw in.malformed("length", "a read of " + length + " bytes at " + offset);
                }
                return new Message(READ, new ObjectId(decoder.id().high(), decoder.id().low()), offset, length, 0, 0, null);
            }
        }
    }
}
