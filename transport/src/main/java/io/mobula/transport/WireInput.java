package io.mobula.transport;

import io.mobula.transport.codec.MessageHeaderDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.sbe.MessageDecoderFlyweight;

/**
 * One payload about to be read by a generated SBE decoder, with the checks the generated code does
 * not make: that the header names this schema, a version no newer than this build's and the
 * expected template; that the root block, every group and every var-data field lie inside the
 * payload; and that nothing follows the message.
 * <pre>
 *   0 blockLength u16 | 2 templateId u16 | 4 schemaId u16 | 6 version u16 | 8 root block | groups | var data
 *   group:    blockLength u16 | numInGroup u16 | numInGroup x (entry block | entry var data)
 *   var data: length u32 | bytes
 * </pre>
 * A decoder calls {@link #data} before reading each var-data field and {@link #group} before
 * each group, at the decoder's {@code limit()}, then {@link #end} with the final limit. Every
 * failed check throws a counted {@link MalformedMessageException}. Not thread-safe: one per decode.
 */
public final class WireInput {
    /** The schema this build speaks; a message of a newer version is rejected. */
    public static final int SCHEMA_ID = MessageHeaderDecoder.SCHEMA_ID;
    public static final int SCHEMA_VERSION = MessageHeaderDecoder.SCHEMA_VERSION;
    public static final int HEADER_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH;
    private static final int VAR_HEADER_LENGTH = Integer.BYTES;
    private static final int GROUP_HEADER_LENGTH = 2 * Short.BYTES;

    private final byte[] payload;
    private final UnsafeBuffer buffer;
    private final String messageName;
    private final int blockLength;
    private final int version;

    private WireInput(byte[] payload, String messageName, int blockLength, int version) {
        this.payload = payload;
        this.buffer = new UnsafeBuffer(payload);
        this.messageName = messageName;
        this.blockLength = blockLength;
        this.version = version;
    }

    /**
     * @return the template id of a payload of this schema, or -1 for one too short for a header or of
     *         another schema (a dispatcher answers that as it answers an unknown template).
     */
    public static int templateId(byte[] payload) {
        if (payload == null || payload.length < HEADER_LENGTH) {
            return -1;
        }
        MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(new UnsafeBuffer(payload), 0);
        return header.schemaId() == SCHEMA_ID ? header.templateId() : -1;
    }

    /**
     * Checks the header of {@code payload} as message {@code messageName}.
     *
     * @param templateId     the template the caller expects
     * @param minBlockLength the root block the caller reads (its decoder's {@code BLOCK_LENGTH})
     * @param sinceVersion   the schema version that brought the message in: one stamped older is not
     *                       one (its decoder would read the fields as absent)
     * @throws MalformedMessageException when the header is cut short, names another schema, a version
     *                                   outside {@code sinceVersion..SCHEMA_VERSION} or another
     *                                   template, or a root block shorter than {@code minBlockLength}
     *                                   or longer than the payload.
     */
    public static WireInput open(byte[] payload, int templateId, int minBlockLength, int sinceVersion, String messageName)
        throws MalformedMessageException {
        if (payload == null || payload.length < HEADER_LENGTH) {
            throw new MalformedMessageException(messageName, "header", "a message is at least " + HEADER_LENGTH
                + " bytes, got " + (payload == null ? 0 : payload.length));
        }
        MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(new UnsafeBuffer(payload), 0);
        if (header.schemaId() != SCHEMA_ID) {
            throw new MalformedMessageException(messageName, "header", "schema " + header.schemaId() + ", not " + SCHEMA_ID);
        }
        if (header.version() > SCHEMA_VERSION || header.version() < sinceVersion) {
            throw new MalformedMessageException(messageName, "header", "schema version " + header.version()
                + " is not one this build reads (" + sinceVersion + ".." + SCHEMA_VERSION + ")");
        }
        if (header.templateId() != templateId) {
            throw new MalformedMessageException(messageName, "header", "template " + header.templateId() + ", not "
                + templateId);
        }
        int block = header.blockLength();
        if (block < minBlockLength || HEADER_LENGTH + block > payload.length) {
            throw new MalformedMessageException(messageName, "header", "a root block of " + block + " bytes, where "
                + minBlockLength + ".." + (payload.length - HEADER_LENGTH) + " fit");
        }
        return new WireInput(payload, messageName, block, header.version());
    }

    /**
     * Checks the header of {@code payload} as {@code decoder}'s message (named after the decoder's
     * class), then wraps the decoder over its root block.
     *
     * @param sinceVersion the schema version that brought the message in
     * @throws MalformedMessageException as {@link #open(byte[], int, int, int, String)}.
     */
    public static WireInput open(byte[] payload, MessageDecoderFlyweight decoder, int sinceVersion)
        throws MalformedMessageException {
        String name = decoder.getClass().getSimpleName();
        WireInput in = open(payload, decoder.sbeTemplateId(), decoder.sbeBlockLength(), sinceVersion,
            name.substring(0, name.length() - "Decoder".length()));
        decoder.wrap(in.buffer, HEADER_LENGTH, in.blockLength, in.version);
        return in;
    }

    /** The payload, for a decoder's {@code wrap(buffer(), HEADER_LENGTH, blockLength(), version())}. */
    public DirectBuffer buffer() {
        return buffer;
    }

    /** The payload's array, for values read in place at {@link #dataOffset}. */
    public byte[] array() {
        return payload;
    }

    public int blockLength() {
        return blockLength;
    }

    public int version() {
        return version;
    }

    /**
     * Checks that the var-data field {@code field} at {@code limit} lies inside the payload and holds
     * at most {@code maxLength} bytes.
     *
     * @return its length.
     */
    public int data(int limit, String field, int maxLength) throws MalformedMessageException {
        if (limit < 0 || limit + VAR_HEADER_LENGTH > payload.length) {
            throw new MalformedMessageException(messageName, field, "cut off before its length");
        }
        long length = buffer.getInt(limit, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
        if (length > maxLength) {
            throw new MalformedMessageException(messageName, field, length + " bytes, at most " + maxLength);
        }
        if (limit + VAR_HEADER_LENGTH + length > payload.length) {
            throw new MalformedMessageException(messageName, field, length + " bytes where "
                + (payload.length - limit - VAR_HEADER_LENGTH) + " are left");
        }
        return (int) length;
    }

    /** Where the bytes of the var-data field at {@code limit} begin (after its length). */
    public static int dataOffset(int limit) {
        return limit + VAR_HEADER_LENGTH;
    }

    /**
     * Checks that the group {@code field} at {@code limit} has at most {@code maxCount} entries of at
     * least {@code minEntryLength} bytes each, whose fixed blocks fit in the payload.
     *
     * @return its entry count.
     */
    public int group(int limit, String field, int minEntryLength, int maxCount) throws MalformedMessageException {
        if (limit < 0 || limit + GROUP_HEADER_LENGTH > payload.length) {
            throw new MalformedMessageException(messageName, field, "cut off before its group header");
        }
        int entryLength = buffer.getShort(limit, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        int count = buffer.getShort(limit + Short.BYTES, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        if (entryLength < minEntryLength) {
            throw new MalformedMessageException(messageName, field, "entries of " + entryLength + " bytes, at least "
                + minEntryLength);
        }
        if (count > maxCount) {
            throw new MalformedMessageException(messageName, field, count + " entries, at most " + maxCount);
        }
        if (limit + GROUP_HEADER_LENGTH + (long) entryLength * count > payload.length) {
            throw new MalformedMessageException(messageName, field, count + " entries of " + entryLength
                + " bytes run past the end");
        }
        return count;
    }

    /** Checks, before an entry of a group is read, that its fixed block at {@code limit} fits. */
    public void entry(int limit, int entryLength, String field) throws MalformedMessageException {
        if (limit + (long) entryLength > payload.length) {
            throw new MalformedMessageException(messageName, field, "an entry cut off");
        }
    }

    /** Checks that the message ends at {@code limit}: bytes after it mean a message of another shape. */
    public void end(int limit) throws MalformedMessageException {
        if (limit != payload.length) {
            throw new MalformedMessageException(messageName, "end", (payload.length - limit) + " bytes after the message");
        }
    }

    /** A field whose value is out of range. */
    public MalformedMessageException malformed(String field, String problem) {
        return new MalformedMessageException(messageName, field, problem);
    }
}
