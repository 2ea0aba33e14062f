package io.mobula.transport;

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
        do {
            int length = (int) Math.min(chunkBytes, size - offset);
            long result;
            while ((result = publication.tryClaim(CHUNK_OVERHEAD + length, claim)) <= 0) {
                if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED) {
                    throw new IllegalStateException("the transfer publication closed while sending transfer " + transferId);
                }
                if (System.nanoTime() > deadline) {
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
