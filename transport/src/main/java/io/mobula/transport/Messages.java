package io.mobula.transport;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.aeron.Publication;
import io.mobula.transport.codec.MessageHeaderDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

/** Helpers shared by both ends of the wire: offering with a deadline, and the bytes the MACs cover. */
final class Messages {
    private Messages() {
    }

    /**
     * Offers a message, retrying while the publication is not yet connected or is back-pressured,
     * for at most {@code timeoutNs}.
     *
     * @return true if it was sent.
     */
    static boolean offer(Publication publication, DirectBuffer buffer, int length, long timeoutNs) {
        long deadline = System.nanoTime() + timeoutNs;
        IdleStrategy idle = new SleepingMillisIdleStrategy(1);
        while (true) {
            long result = publication.offer(buffer, 0, length);
            if (result > 0) {
                return true;
            }
            if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED || System.nanoTime() > deadline) {
                return false;
            }
            idle.idle();
        }
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
