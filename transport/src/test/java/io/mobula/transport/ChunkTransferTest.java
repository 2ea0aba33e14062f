package io.mobula.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.net.DatagramSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.aeron.ExclusivePublication;
import io.aeron.Subscription;

/** Objects in chunks over Aeron UDP between two media drivers (two "hosts" on loopback). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChunkTransferTest {
    @Test
    void aLargeObjectArrivesWholeWrittenStraightIntoItsTarget() throws Exception {
        int port;
        try (DatagramSocket socket = new DatagramSocket(0)) {
            port = socket.getLocalPort();
        }
        String channel = TransferEnds.channel("127.0.0.1:" + port);
        ExecutorService receiving = Executors.newSingleThreadExecutor();
        try (EmbeddedTransport hostA = new EmbeddedTransport(); EmbeddedTransport hostB = new EmbeddedTransport();
             Subscription subscription = hostB.aeron().addSubscription(channel, TransferEnds.STREAM);
             ExclusivePublication publication = hostA.aeron().addExclusivePublication(channel, TransferEnds.STREAM)) {
            long size = (256L << 20) + 12345; // not a multiple of the chunk size
            MemorySegment object = TransferEnds.pattern(size);
            CompletableFuture<MemorySegment> received = CompletableFuture.supplyAsync(
                () -> TransferEnds.receiveOne(subscription, TimeUnit.SECONDS.toNanos(60)), receiving);
            ChunkSender sender = new ChunkSender(publication);
            assertTrue(sender.chunkBytes() > 7000, "chunks fill an 8 KiB frame: " + sender.chunkBytes());
            sender.send(42, object, TimeUnit.SECONDS.toNanos(60));
            MemorySegment got = received.get(60, TimeUnit.SECONDS);
            assertEquals(size, got.byteSize());
            assertEquals(-1, got.mismatch(object), "every byte arrived in place");
        } finally {
            receiving.shutdownNow();
        }
    }
}
