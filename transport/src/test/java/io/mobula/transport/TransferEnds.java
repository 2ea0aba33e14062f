package io.mobula.transport;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.aeron.ExclusivePublication;
import io.aeron.Subscription;

/**
 * Both ends of an object transfer, as separate processes for the multi-host test:
 * {@code TransferEnds receive ENDPOINT SIZE} prints {@code received <size> fnv=<hex> seconds=<s>};
 * {@code TransferEnds send ENDPOINT SIZE} sends one object of that size and prints {@code sent}.
 */
public final class TransferEnds {
    static final int STREAM = 3001;

    private TransferEnds() {
    }

    static String channel(String endpoint) {
        return "aeron:udp?endpoint=" + endpoint + "|mtu=8192";
    }

    /** The object every test sends: a pattern the receiver can check by checksum. */
    static MemorySegment pattern(long size) {
        MemorySegment object = Arena.ofAuto().allocate(size, 64);
        for (long i = 0; i + 8 <= size; i += 8) {
            object.set(ValueLayout.JAVA_LONG_UNALIGNED, i, i * 0x9E3779B97F4A7C15L);
        }
        return object;
    }

    static long fnv(MemorySegment data) {
        long hash = 0xcbf29ce484222325L;
        for (long i = 0; i < data.byteSize(); i += 4096) { // every 4 KiB page's first long: fast and position-sensitive
            hash ^= data.get(ValueLayout.JAVA_LONG_UNALIGNED, Math.min(i, data.byteSize() - 8));
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    /** Receives one transfer into fresh memory; completes with the target. */
    static MemorySegment receiveOne(Subscription subscription, long timeoutNs) {
        CompletableFuture<MemorySegment> done = new CompletableFuture<>();
        ChunkReceiver receiver = new ChunkReceiver(subscription, new ChunkReceiver.Targets() {
            @Override
            public MemorySegment open(long transferId, long size) {
                return Arena.ofAuto().allocate(size, 64);
            }

            @Override
            public void complete(long transferId, MemorySegment target) {
                done.complete(target);
            }
        });
        long deadline = System.nanoTime() + timeoutNs;
        while (!done.isDone()) {
            if (receiver.poll(64) == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no complete transfer within the timeout; received "
                        + receiver.receivedBytes() + " bytes");
                }
                Thread.onSpinWait();
            }
        }
        return done.join();
    }

    public static void main(String[] args) throws Exception {
        String endpoint = args[1];
        long size = Long.parseLong(args[2]);
        try (EmbeddedTransport transport = new EmbeddedTransport()) {
            if (args[0].equals("receive")) {
                try (Subscription subscription = transport.aeron().addSubscription(channel(endpoint), STREAM)) {
                    System.out.println("listening");
                    System.out.flush();
                    long start = System.nanoTime();
                    MemorySegment got = receiveOne(subscription, TimeUnit.SECONDS.toNanos(60));
                    double seconds = (System.nanoTime() - start) / 1e9;
                    System.out.println("received " + got.byteSize() + " fnv=" + Long.toHexString(fnv(got)) + " seconds=" + seconds);
                }
            } else {
                try (ExclusivePublication publication = transport.aeron().addExclusivePublication(channel(endpoint), STREAM)) {
                    new ChunkSender(publication).send(1, pattern(size), TimeUnit.SECONDS.toNanos(60));
                    // Stay until the receiver has it all: closing at once could cut the tail off.
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (publication.isConnected() && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                    System.out.println("sent");
                }
            }
        }
    }
}
