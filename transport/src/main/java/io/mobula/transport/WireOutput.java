package io.mobula.transport;

import java.util.Arrays;

import io.mobula.transport.codec.MessageHeaderEncoder;
import org.agrona.ExpandableArrayBuffer;

/**
 * Where a generated SBE encoder writes one payload: a growing buffer whose encoded bytes are then
 * copied out at their exact length (the transport carries payloads as arrays). Not thread-safe: one
 * per message.
 */
public final class WireOutput {
    private final ExpandableArrayBuffer buffer;
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();

    public WireOutput(int initialCapacity) {
        this.buffer = new ExpandableArrayBuffer(Math.max(64, initialCapacity));
    }

    public ExpandableArrayBuffer buffer() {
        return buffer;
    }

    /** The header encoder, for a message encoder's {@code wrapAndApplyHeader(buffer(), 0, header())}. */
    public MessageHeaderEncoder header() {
        return header;
    }

    /** @return the message's bytes: the header and {@code encodedLength} (the encoder's) after it. */
    public byte[] bytes(int encodedLength) {
        return Arrays.copyOf(buffer.byteArray(), MessageHeaderEncoder.ENCODED_LENGTH + encodedLength);
    }
}
