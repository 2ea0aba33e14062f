package io.mobula.objects;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.mobula.objects.PullProtocol.MalformedMessageException;
import io.mobula.objects.PullProtocol.Request;
import io.mobula.store.ObjectId;
import io.mobula.store.ObjectStore;
import io.mobula.store.ObjectView;
import io.mobula.transport.AuthServer;
import io.mobula.transport.ChunkSender;
import io.mobula.transport.ClusterSecret;
import org.agrona.ErrorHandler;

/**
 * The serving half of a node's object manager: answers other nodes' LOCATE, SEND and DONE requests
 * (see {@link PullProtocol}) over the authenticated wire, and sends objects in chunks from the
 * store's memory to the puller's endpoint.
 * <p>
 * Admission: at most {@code maxConcurrentSends} transfers at once. A SEND beyond that is answered
 * REDIRECT with the holders this server knows (pullers it served that confirmed a complete copy)
 * or, while it knows none, BUSY. A send slot is held from ACCEPTED until the puller's DONE (or the
 * transfer timeout), not just until the last chunk is handed to Aeron: the DONE is what makes the
 * puller a holder, so a broadcast
 * fans out as a tree, each completed puller serving the next ones.
 * <p>
 * Requests are decided on the wire's agent thread (a lookup and a pin, no waiting); the sends run
 * on a pool of {@code maxConcurrentSends} threads, each holding its object pinned until its slot
 * is freed, on publications kept per destination ({@link ChunkPublications}). Payloads that do not parse are dropped, unanswered, and counted; unauthenticated
 * requests never reach this class (the wire drops and counts them).
 */
final class ObjectServer implements AutoCloseable {
    private final ObjectStore store;
    private final int maxConcurrentSends;
    private final long transferTimeoutNs;
    private final ErrorHandler errorHandler;
    private final AuthServer wire;
    private final ExecutorService senders;
    private final ChunkPublications publications;
    private final Holders holders = new Holders();
    private final Map<Long, Outbound> outbound = new ConcurrentHashMap<>();
    /** Incremented on the wire's agent thread only, decremented by senders: the admission check holds. */
    private final AtomicInteger activeSends = new AtomicInteger();
    private final AtomicLong sendsStarted = new AtomicLong();
    private final AtomicLong sendsFailed = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong redirects = new AtomicLong();
    private final AtomicLong busyAnswers = new AtomicLong();
    private final AtomicLong missingAnswers = new AtomicLong();
    private final AtomicLong malformedRequests = new AtomicLong();

    /** One send in progress: the pinned object and the puller's confirmation. */
    private record Outbound(ObjectId id, long transferId, String address, ObjectView view, CompletableFuture<Boolean> confirmed) {
    }

    ObjectServer(Aeron aeron, String receivingChannel, ClusterSecret secret, ObjectStore store, int maxConcurrentSends,
                 long transferTimeoutNs, ErrorHandler errorHandler) {
        this.errorHandler = errorHandler;
        this.publications = new ChunkPublications(aeron);
        this.store = store;
        this.maxConcurrentSends = maxConcurrentSends;
        this.transferTimeoutNs = transferTimeoutNs;
        AtomicInteger threads = new AtomicInteger();
        this.senders = Executors.newFixedThreadPool(maxConcurrentSends, r -> {
            Thread t = new Thread(r, "mobula-object-sender-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.wire = new AuthServer(aeron, receivingChannel, ObjectChannels.REQUEST_STREAM, secret,
            (AuthServer.AsyncRequestHandler) this::onRequest).start();
    }

    private void onRequest(long session, byte[] payload, AuthServer.Reply reply) {
        Request request;
        try {
            request = PullProtocol.readRequest(payload);
        } catch (MalformedMessageException e) {
            malformedRequests.incrementAndGet();
            return;
        }
        switch (request.type()) {
            case PullProtocol.LOCATE -> reply.send(locate(request.id()));
            case PullProtocol.SEND -> reply.send(admit(request));
            case PullProtocol.DONE -> reply.send(confirm(request));
            default -> malformedRequests.incrementAndGet(); // readRequest admits only the three
        }
    }

    private byte[] locate(ObjectId id) {
        try (ObjectView view = store.get(id, 0)) {
            if (view == null) {
                missingAnswers.incrementAndGet();
                return PullProtocol.answer(PullProtocol.MISSING);
            }
            return PullProtocol.found(view.data().byteSize(), view.kind());
        }
    }

    private byte[] admit(Request request) {
        ObjectView view = store.get(request.id(), 0);
        if (view == null) {
            missingAnswers.incrementAndGet();
            return PullProtocol.answer(PullProtocol.MISSING);
        }
        if (activeSends.get() >= maxConcurrentSends) {
            view.close();
            var others = holders.others(request.id(), request.address(), PullProtocol.MAX_REDIRECT_HOLDERS);
            if (others.isEmpty()) {
                busyAnswers.incrementAndGet();
                return PullProtocol.answer(PullProtocol.BUSY);
            }
            redirects.incrementAndGet();
            return PullProtocol.redirect(others);
        }
        Outbound send = new Outbound(request.id(), request.transferId(), request.address(), view, new CompletableFuture<>());
        if (outbound.putIfAbsent(send.transferId(), send) != null) { // a transfer id in use: a confused or hostile puller
            view.close();
            malformedRequests.incrementAndGet();
            return PullProtocol.answer(PullProtocol.BUSY);
        }
        activeSends.incrementAndGet();
        sendsStarted.incrementAndGet();
        senders.execute(() -> send(send));
        return PullProtocol.answer(PullProtocol.ACCEPTED);
    }

    private void send(Outbound send) {
        try {
            ExclusivePublication publication = publications.take(send.address());
            try {
                new ChunkSender(publication).send(send.transferId(), send.view().data(), transferTimeoutNs);
            } catch (RuntimeException e) {
                publication.close(); // it may hold part of this transfer, or have lost its receiver
                throw e;
            }
            // Kept open: the tail may still be in flight, and the next transfer to this node starts at once.
            publications.giveBack(send.address(), publication);
            bytesSent.addAndGet(send.view().data().byteSize());
            if (!send.confirmed().get(transferTimeoutNs, TimeUnit.NANOSECONDS)) {
                sendsFailed.incrementAndGet();
            }
        } catch (TimeoutException | ExecutionException | RuntimeException e) {
            sendsFailed.incrementAndGet();
            errorHandler.onError(new ObjectTransferException(send.id(), "sending object " + send.id() + " to node "
                + send.address() + " failed: " + e, e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing
        } finally {
            outbound.remove(send.transferId());
            send.view().close();
            activeSends.decrementAndGet();
        }
    }

    private byte[] confirm(Request request) {
        Outbound send = outbound.get(request.transferId());
        if (send != null && send.id().equals(request.id())) {
            boolean holds = request.address() != null;
            if (holds) {
                holders.add(send.id(), send.address()); // where the chunks went, not what the DONE claims
            }
            send.confirmed().complete(holds);
        }
        return PullProtocol.answer(PullProtocol.ACK);
    }

    /** Stops redirecting pullers of {@code id} to its known holders (the node deleted it, say). */
    void forget(ObjectId id) {
        holders.forget(id);
    }

    long sendsStarted() {
        return sendsStarted.get();
    }

    long sendsFailed() {
        return sendsFailed.get();
    }

    long bytesSent() {
        return bytesSent.get();
    }

    long redirects() {
        return redirects.get();
    }

    long busyAnswers() {
        return busyAnswers.get();
    }

    long missingAnswers() {
        return missingAnswers.get();
    }

    long malformedRequests() {
        return malformedRequests.get();
    }

    AuthServer wire() {
        return wire;
    }

    @Override
    public void close() {
        wire.close();
        senders.shutdownNow(); // interrupts senders waiting for a DONE
        try {
            senders.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        publications.close();
    }
}
