package io.mobula.cluster.objects;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.aeron.Aeron;
import io.aeron.Subscription;
import io.mobula.store.ObjectBuilder;
import io.mobula.transport.ChunkReceiver;
import io.mobula.transport.Idle;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;

/**
 * The receiving end of this node's pulls: one agent thread polls the node's chunk stream and
 * writes each chunk straight into the store memory of the object it belongs to (the builder the
 * puller created), then seals the object when its last byte is in.
 * <p>
 * Only transfers a puller announced with {@link #expect} are written; chunks of any other transfer
 * id (a stale sender, or someone guessing) are refused and counted by the receiver. The agent alone
 * ends a builder (seal on arrival, abort on {@link #cancel}), so a builder's memory is never given
 * back while a chunk could still land in it.
 */
final class InboundTransfers implements Agent, ChunkReceiver.Targets {
    private static final int FRAGMENT_LIMIT = 64;

    private final Subscription subscription;
    private final ChunkReceiver receiver;
    private final Map<Long, Expected> expected = new ConcurrentHashMap<>();
    /** Transfer ids to drop, from pullers' threads; the agent applies them. */
    private final ManyToOneConcurrentLinkedQueue<Long> cancels = new ManyToOneConcurrentLinkedQueue<>();
    private final AgentRunner runner;

    private record Expected(ObjectBuilder builder, CompletableFuture<Void> sealed) {
    }

    InboundTransfers(Aeron aeron, String receivingChannel) {
        this.subscription = aeron.addSubscription(receivingChannel, ObjectChannels.DATA_STREAM);
        this.receiver = new ChunkReceiver(subscription, this);
        this.runner = new AgentRunner(Idle.backoff(), Throwable::printStackTrace, null, this);
        AgentRunner.startOnThread(runner, r -> {
            Thread t = new Thread(r, "mobula-object-receiver");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Announces a transfer: its chunks go into {@code builder}'s memory.
     *
     * @return completes when the object is sealed; fails if sealing fails, the transfer is
     *         cancelled, or the receiver closes.
     */
    CompletableFuture<Void> expect(long transferId, ObjectBuilder builder) {
        Expected transfer = new Expected(builder, new CompletableFuture<>());
        expected.put(transferId, transfer);
        return transfer.sealed();
    }

    /**
     * Drops a transfer: the agent stops writing into its builder and aborts it, unless it has been
     * sealed already. The future {@link #expect} returned settles either way.
     */
    void cancel(long transferId) {
        cancels.offer(transferId);
    }

    /** Chunks of transfers nobody announced, dropped (read from another thread: a recent value). */
    long refusedChunks() {
        return receiver.refusedCount();
    }

    /** Frames on the chunk stream that were not well-formed chunks, dropped. */
    long malformedChunks() {
        return receiver.malformedCount();
    }

    @Override
    public int doWork() {
        int work = 0;
        Long transferId;
        while ((transferId = cancels.poll()) != null) {
            drop(transferId, new ObjectTransferException(null, "transfer " + transferId + " was cancelled"));
            work++;
        }
        return work + receiver.poll(FRAGMENT_LIMIT);
    }

    @Override
    public MemorySegment open(long transferId, long size) {
        Expected transfer = expected.get(transferId);
        if (transfer == null || transfer.builder().data().byteSize() != size) {
            return null;
        }
        return transfer.builder().data();
    }

    @Override
    public void complete(long transferId, MemorySegment target) {
        Expected transfer = expected.remove(transferId);
        if (transfer == null) {
            return;
        }
        try {
            transfer.builder().seal();
            transfer.sealed().complete(null);
        } catch (RuntimeException e) { // a closed store, say: the puller reports it
            transfer.sealed().completeExceptionally(e);
        }
    }

    private void drop(long transferId, RuntimeException why) {
        receiver.cancel(transferId);
        Expected transfer = expected.remove(transferId);
        if (transfer != null) {
            try {
                transfer.builder().abort();
            } catch (RuntimeException e) {
                // the store closed first: its memory is gone already, nothing is left to give back
            }
            transfer.sealed().completeExceptionally(why);
        }
    }

    @Override
    public void onClose() {
        for (Long transferId : expected.keySet()) {
            drop(transferId, new ObjectTransferException(null, "the object manager closed during transfer " + transferId));
        }
        CloseHelper.quietClose(subscription);
    }

    @Override
    public String roleName() {
        return "mobula-object-receiver";
    }

    void close() {
        runner.close();
    }
}
