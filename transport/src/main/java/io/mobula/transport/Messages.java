package io.mobula.transport;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.aeron.Publication;
import io.aeron.logbuffer.BufferClaim;
import io.mobula.transport.codec.MessageHeaderDecoder;
import io.mobula.transport.codec.MessageHeaderEncoder;
import io.mobula.transport.codec.ResponseEncoder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.IdleStrategy;

/** Helpers shared by both ends of the wire: offering with a deadline, and the bytes the MACs cover. */
final class Messages {
    private Messages() {
    }

    /**
     * Offers a message, retrying while the publication is not yet connected or is back-pressured,
     * for at most {@code timeoutNs}. A retry yields first (the media driver that drains the
     * publication needs the CPU, on a small machine often this one), then parks.
     *
     * @return true if it was sent.
     */
    static boolean offer(Publication publication, DirectBuffer buffer, int length, long timeoutNs) {
        long result = publication.offer(buffer, 0, length);
        if (result > 0) {
            return true;
        }
        long deadline = System.nanoTime() + timeoutNs;
        IdleStrategy idle = Idle.backoff();
        while (true) {
            if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED || System.nanoTime() > deadline) {
                return false;
            }
            idle.idle();
            result = publication.offer(buffer, 0, length);
            if (result > 0) {
                return true;
            }
        }
    }

    /**
     * Sends a {@code Response}: claimed in the publication's term and written there when it fits one
     * frame (no copy but the payload's), else encoded into this thread's buffer and offered. Safe from
     * any thread on a concurrent publication. Waits as {@link #offer} does.
     *
     * @return true if it was sent.
     */
    static boolean offerResponse(Publication publication, long correlationId, byte[] payload, long timeoutNs) {
        int length = MessageHeaderEncoder.ENCODED_LENGTH + ResponseEncoder.BLOCK_LENGTH
            + ResponseEncoder.payloadHeaderLength() + payload.length;
        if (length <= publication.maxPayloadLength()) {
            BufferClaim claim = new BufferClaim();
            long deadline = 0;
            IdleStrategy idle = null;
            while (true) {
                long result = publication.tryClaim(length, claim);
                if (result > 0) {
                    new ResponseEncoder().wrapAndApplyHeader(claim.buffer(), claim.offset(), new MessageHeaderEncoder())
                        .correlationId(correlationId).putPayload(payload, 0, payload.length);
                    claim.commit();
                    return true;
                }
                if (idle == null) {
                    deadline = System.nanoTime() + timeoutNs;
                    idle = Idle.backoff();
                }
                if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED || System.nanoTime() > deadline) {
                    return false;
                }
                idle.idle();
            }
        }
        ExpandableArrayBuffer out = new ExpandableArrayBuffer(length);
        new ResponseEncoder().wrapAndApplyHeader(out, 0, new MessageHeaderEncoder())
            .correlationId(correlationId).putPayload(payload, 0, payload.length);
        return offer(publication, out, length, timeoutNs);
    }

    /** A message shorter than its header, or of another schema or a newer version, is malformed. */
    static boolean headerOk(MessageHeaderDecoder header, DirectBuffer buffer, int offset, int length) {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH) {
            return false;
        }
        header.wrap(buffer, offset);
        return header.schemaId() == MessageHeaderDecoder.SCHEMA_ID && header.version() <= MessageHeaderDecoder.SCHEMA_VERSION
            && header.blockLength() <= length - MessageHeaderDecoder.ENCODED_LENGTH;
    }

    static byte[] longBytes(long value) {
        return ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
    }
}
