package io.mobula.cluster.objects;

import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;

/**
 * The publications a node's server sends chunks on, one destination each, kept for reuse while
 * they are busy enough. A new publication costs a connection set-up and new log buffers at both
 * ends, about 16 ms here: a 64 KiB pull took that long with one publication per transfer. Kept
 * open, later transfers to the same node start at once on the same stream (the receiver tells
 * transfers apart by id).
 * <p>
 * A publication is held by one sender at a time (taken, then given back). One that stayed idle
 * for {@link #IDLE_CLOSE_NS} is closed, so a node that talked to many others once does not keep
 * their log buffers in memory; one whose receiver went away is closed when next taken.
 */
final class ChunkPublications implements AutoCloseable {
    static final long IDLE_CLOSE_NS = TimeUnit.SECONDS.toNanos(5);

    private record Idle(ExclusivePublication publication, long sinceNs) {
    }

    private final Aeron aeron;
    private final Map<String, Deque<Idle>> idle = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mobula-chunk-publications");
        t.setDaemon(true);
        return t;
    });

    ChunkPublications(Aeron aeron) {
        this.aeron = aeron;
        sweeper.scheduleWithFixedDelay(this::closeIdle, 1, 1, TimeUnit.SECONDS);
    }

    /** A publication to {@code address} for this caller alone until {@link #giveBack}: a kept one if connected, else a new one. */
    ExclusivePublication take(String address) {
        Deque<Idle> kept = idle.get(address);
        Idle entry;
        while (kept != null && (entry = kept.pollFirst()) != null) {
            if (entry.publication().isConnected()) {
                return entry.publication();
            }
            entry.publication().close();
        }
        return aeron.addExclusivePublication(ObjectChannels.chunks(address), ObjectChannels.DATA_STREAM);
    }

    /** Keeps {@code publication} for the next send to {@code address}; everything sent on it was claimed. */
    void giveBack(String address, ExclusivePublication publication) {
        idle.computeIfAbsent(address, a -> new ConcurrentLinkedDeque<>()).addFirst(new Idle(publication, System.nanoTime()));
    }

    private void closeIdle() {
        long now = System.nanoTime();
        for (Deque<Idle> kept : idle.values()) {
            for (Idle entry : kept) {
                if (now - entry.sinceNs() > IDLE_CLOSE_NS && kept.remove(entry)) { // removed by us alone: ours to close
                    entry.publication().close();
                }
            }
        }
        idle.values().removeIf(Deque::isEmpty);
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        for (Deque<Idle> kept : idle.values()) {
            Idle entry;
            while ((entry = kept.pollFirst()) != null) {
                entry.publication().close();
            }
        }
    }
}
