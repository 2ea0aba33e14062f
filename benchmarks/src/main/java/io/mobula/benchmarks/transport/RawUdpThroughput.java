package io.mobula.benchmarks.transport;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.BufferClaim;
import io.mobula.transport.AeronChannels;
import io.mobula.transport.ChunkSender;
import io.mobula.transport.EmbeddedTransport;

/**
 * The baseline every transfer benchmark is held against: raw Aeron UDP throughput on loopback, one
 * media driver sending to itself, 8 KiB frames and 4 MiB socket buffers, nothing copied at either
 * end. Measured in the same run as what it is compared with.
 */
public final class RawUdpThroughput {
    private static final int STREAM = 3101;

    private RawUdpThroughput() {
    }

    /** A fresh loopback channel with the frame size and socket buffers of the measured paths. */
    public static String channel() {
        return "aeron:udp?endpoint=127.0.0.1:" + AeronChannels.freeUdpPort() + "|mtu=8192|so-sndbuf=4m|so-rcvbuf=4m|rcv-wnd=4m";
    }

    /**
     * Sends {@code bytes} as frames of the chunk size, claimed and committed with nothing copied, and
     * the receiver only counts them.
     *
     * @return GB/s, from the first frame received to the last.
     */
    public static double measure(long bytes) throws Exception {
        String channel = channel();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (EmbeddedTransport a = new EmbeddedTransport();
             Subscription subscription = a.aeron().addSubscription(channel, STREAM);
             ExclusivePublication publication = a.aeron().addExclusivePublication(channel, STREAM)) {
            int frame = new ChunkSender(publication).chunkBytes(); // object bytes per frame, as the chunked path carries
            int claimLength = publication.maxPayloadLength();
            AtomicLong received = new AtomicLong();
            CompletableFuture<Long> done = CompletableFuture.supplyAsync(() -> {
                long start = 0;
                org.agrona.concurrent.IdleStrategy idle = new org.agrona.concurrent.BackoffIdleStrategy();
                io.aeron.logbuffer.FragmentHandler count = (buffer, offset, length, header) -> received.addAndGet(frame);
                while (received.get() < bytes) {
                    int n = subscription.poll(count, 64);
                    if (n > 0 && start == 0) {
                        start = System.nanoTime();
                    }
                    idle.idle(n);
                }
                return System.nanoTime() - start;
            }, pool);
            BufferClaim claim = new BufferClaim();
            // Back off as ChunkSender does when back-pressured: on 2 cores a busy spin here would
            // starve the media driver's thread and measure the scheduler instead of Aeron.
            org.agrona.concurrent.IdleStrategy idle = new org.agrona.concurrent.BackoffIdleStrategy();
            for (long sent = 0; sent < bytes; sent += frame) {
                long result;
                while ((result = publication.tryClaim(claimLength, claim)) <= 0) {
                    if (result == Publication.CLOSED) {
                        throw new IllegalStateException("publication closed");
                    }
                    idle.idle();
                }
                idle.reset();
                claim.commit();
            }
            long nanos = done.get(60, TimeUnit.SECONDS);
            return bytes / 1e9 / (nanos / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }
}
