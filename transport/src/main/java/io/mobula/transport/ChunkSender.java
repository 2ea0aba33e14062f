package io.mobula.transport;

import java.util.concurrent.TimeUnit;

import java.lang.foreign.MemorySegment;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.logbuffer.BufferClaim;
import io.mobula.transport.codec.MessageHeaderEncoder;
import io.mobula.transport.codec.TransferChunkEncoder;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.IdleStrategy;

/**
 * Sends objects as chunks over one Aeron publication. Each chunk is claimed in the publication's
 * term buffer and the object's bytes are copied there once, straight from their segment (the
 * store's memory, say): no intermediate buffer. Chunks are sized to fit one frame, so the receiver
 * gets each one whole and writes it straight into its own target.
 */
public final class ChunkSender {
    private static final int CHUNK_OVERHEAD = MessageHeaderEncoder.ENCODED_LENGTH + TransferChunkEncoder.BLOCK_LENGTH
        + Integer.BYTES;

    private final ExclusivePublication publication;
    private final int chunkBytes;
    private final BufferClaim claim = new BufferClaim();
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final TransferChunkEncoder chunk = new TransferChunkEncoder();
    private final IdleStrategy idle = Idle.backoff();

    public ChunkSender(ExclusivePublication publication) {
        this.publication = publication;
        this.chunkBytes = publication.maxPayloadLength() - CHUNK_OVERHEAD;
    }

    /**
     * How long a publication may stay without its receiver before a send gives up: long enough for
     * a fresh one to connect, far shorter than a large transfer's timeout (a receiver that died
     * must not hold a sender for that long).
     */
    public static final long UNCONNECTED_LIMIT_NS = TimeUnit.SECONDS.toNanos(5);

    /** Bytes of object data per chunk on this publication (its MTU less the chunk's header). */
    public int chunkBytes() {
        return chunkBytes;
    }

    /**
     * Sends {@code object} under {@code transferId}; returns once every chunk is in the publication
     * (Aeron delivers it in order, reliably, while the receiver's image lives).
     *
     * @throws IllegalStateException if the publication closes or stays unconnected past {@code timeoutNs}.
     */
    public void send(long transferId, MemorySegment object, long timeoutNs) {
        long size = object.byteSize();
        long deadline = System.nanoTime() + timeoutNs;
        long offset = 0;
        long unconnectedSince = 0;
        do {
            int length = (int) Math.min(chunkBytes, size - offset);
            long result;
            while ((result = publication.tryClaim(CHUNK_OVERHEAD + length, claim)) <= 0) {
                if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED) {
                    throw new IllegalStateException("the transfer publication closed while sending transfer " + transferId);
                }
                long now = System.nanoTime();
                if (result != Publication.NOT_CONNECTED) {
                    unconnectedSince = 0;
                } else if (unconnectedSince == 0) {
                    unconnectedSince = now;
                } else if (now - unconnectedSince > UNCONNECTED_LIMIT_NS) {
                    throw new IllegalStateException("transfer " + transferId + " stopped at byte " + offset + " of " + size
                        + ": no receiver connected for " + TimeUnit.NANOSECONDS.toMillis(UNCONNECTED_LIMIT_NS)
                        + " ms (it went away)");
                }
                if (now > deadline) {
                    throw new IllegalStateException("transfer " + transferId + " stalled at byte " + offset + " of " + size
                        + (result == Publication.NOT_CONNECTED ? ": no receiver is connected" : ": the receiver is not keeping up"));
                }
                idle.idle();
            }
            idle.reset();
            MutableDirectBuffer buffer = claim.buffer();
            int at = claim.offset();
            chunk.wrapAndApplyHeader(buffer, at, header).transferId(transferId).objectSize(size).position(offset);
            int dataAt = at + MessageHeaderEncoder.ENCODED_LENGTH + TransferChunkEncoder.BLOCK_LENGTH;
            buffer.putInt(dataAt, length, java.nio.ByteOrder.LITTLE_ENDIAN);
            buffer.putBytes(dataAt + Integer.BYTES, object.asSlice(offset, length).asByteBuffer(), 0, length);
            claim.commit();
            offset += length;
        } while (offset < size);
    }
}
