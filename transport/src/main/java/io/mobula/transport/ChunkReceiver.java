package io.mobula.transport;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.mobula.transport.codec.MessageHeaderDecoder;
import io.mobula.transport.codec.TransferChunkDecoder;
import org.agrona.DirectBuffer;

/**
 * Receives objects sent by a {@link ChunkSender}: each chunk is written from the stream's term
 * buffer straight into the target its transfer was given (the store's memory, say), at its offset.
 * Polled by one thread (the caller's, or an agent's). Frames that are not well-formed chunks, or
 * that would write outside their target, are dropped and counted; so are chunks of a transfer the
 * targets refuse (one nobody asked for).
 */
public final class ChunkReceiver {
    /** Where transfers land. */
    public interface Targets {
        /**
         * A target of exactly {@code size} bytes for a new transfer, or null to refuse it (a transfer
         * nobody expects): its chunks are then dropped and counted, and asked about again.
         */
        MemorySegment open(long transferId, long size);

        /** Every byte of the transfer has arrived in {@code target}. */
        void complete(long transferId, MemorySegment target);
    }

    private final Subscription subscription;
    private final Targets targets;
    private final Map<Long, InFlight> inFlight = new HashMap<>();
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final TransferChunkDecoder chunk = new TransferChunkDecoder();
    private final FragmentHandler handler = this::onFragment;
    private long malformed;
    private long refused;
    private long receivedBytes;

    private static final class InFlight {
        final MemorySegment target;
        long received;

        InFlight(MemorySegment target) {
            this.target = target;
        }
    }

    public ChunkReceiver(Subscription subscription, Targets targets) {
        this.subscription = subscription;
        this.targets = targets;
    }

    /** Reads up to {@code fragmentLimit} chunks. @return how many were read. */
    public int poll(int fragmentLimit) {
        return subscription.poll(handler, fragmentLimit);
    }

    public long malformedCount() {
        return malformed;
    }

    /**
     * Forgets a transfer in flight, from the polling thread: no chunk of it is written into its
     * target after this returns (later ones are offered to {@link Targets#open} again), so the
     * target's memory may be given back.
     *
     * @return true if the transfer was in flight.
     */
    public boolean cancel(long transferId) {
        return inFlight.remove(transferId) != null;
    }

    /** Chunks of transfers the targets refused, dropped. */
    public long refusedCount() {
        return refused;
    }

    public long receivedBytes() {
        return receivedBytes;
    }

    private void onFragment(DirectBuffer buffer, int offset, int length, Header frameHeader) {
        if (!Messages.headerOk(header, buffer, offset, length) || header.templateId() != TransferChunkDecoder.TEMPLATE_ID) {
            malformed++;
            return;
        }
        try {
            chunk.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
            long transferId = chunk.transferId();
            long size = chunk.objectSize();
            long at = chunk.position();
            int bytes = chunk.bytesLength();
            if (size < 0 || at < 0 || bytes < 0 || at + bytes > size) {
                malformed++;
                return;
            }
            InFlight transfer = inFlight.get(transferId);
            if (transfer == null) {
                MemorySegment target = targets.open(transferId, size);
                if (target == null) {
                    refused++;
                    return;
                }
                transfer = new InFlight(target);
                inFlight.put(transferId, transfer);
            }
            if (transfer.target.byteSize() != size) {
                malformed++;
                return;
            }
            int dataAt = chunk.limit() + Integer.BYTES; // after the length prefix
            buffer.getBytes(dataAt, transfer.target.asSlice(at, bytes).asByteBuffer(), 0, bytes);
            chunk.limit(dataAt + bytes);
            transfer.received += bytes;
            receivedBytes += bytes;
            if (transfer.received == size) {
                inFlight.remove(transferId);
                targets.complete(transferId, transfer.target);
            }
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            malformed++;
        }
    }
}
