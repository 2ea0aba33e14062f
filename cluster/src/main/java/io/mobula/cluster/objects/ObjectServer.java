package io.mobula.cluster.objects;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.mobula.cluster.objects.PullProtocol.Request;
import io.mobula.store.ObjectId;
import io.mobula.store.ObjectStore;
import io.mobula.store.ObjectView;
import io.mobula.transport.AuthServer;
import io.mobula.transport.ChunkSender;
import io.mobula.transport.ClusterSecret;
import io.mobula.transport.MalformedMessageException;
import org.agrona.ErrorHandler;

/**
 * The serving half of a node's object manager: answers other nodes' LOCATE, SEND and DONE requests
 * (see {@link PullProtocol}) over the authenticated wire, and sends objects in chunks from the
 * store's memory to the puller's endpoint.
 * <p>
 * Admission ({@link SendAdmission}): at most {@code maxConcurrentSends} transfers at once; a SEND
 * beyond that is redirected to the holders this server knows (pullers it served that confirmed a
 * complete copy) or held back until a slot frees. A slot is held from ACCEPTED until the puller's
 * DONE (or the transfer timeout), not just until the last chunk is handed to Aeron: the DONE is
 * what makes the puller a holder, so a broadcast fans out as a tree, each completed puller
 * serving the next ones.
 * <p>
 * Requests are decided on the wire's agent thread (a lookup and a pin, no waiting); the sends run
 * on a pool of {@code maxConcurrentSends} threads, each holding its object pinned until its slot
 * is freed, on publications kept per destination ({@link ChunkPublications}). Payloads that do
 * not parse are dropped, unanswered, and counted; unauthenticated requests never reach this class
 * (the wire drops and counts them).
 */
final class ObjectServer implements AutoCloseable {
    private final ObjectStore store;
    private final long transferTimeoutNs;
    private final ErrorHandler errorHandler;
    private final AuthServer wire;
    private final ExecutorService senders;
    private final ChunkPublications publications;
    private final SendAdmission admission;
    /** Answers BUSY to pullers that waited too long for a slot, before their requests time out. */
    private final ScheduledExecutorService timer;
    private final Map<Long, Outbound> outbound = new ConcurrentHashMap<>();
    private final AtomicLong sendsStarted = new AtomicLong();
    private final AtomicLong sendsFailed = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong missingAnswers = new AtomicLong();
    private final AtomicLong malformedRequests = new AtomicLong();

    /** One send in progress: the pinned object and the puller's confirmation. */
    private record Outbound(ObjectId id, long transferId, String address, ObjectView view, CompletableFuture<Boolean> confirmed) {
    }

    ObjectServer(Aeron aeron, String receivingChannel, ClusterSecret secret, ObjectStore store, int maxConcurrentSends,
                 long requestTimeoutNs, long transferTimeoutNs, ErrorHandler errorHandler) {
        this.store = store;
        this.transferTimeoutNs = transferTimeoutNs;
        this.errorHandler = errorHandler;
        this.publications = new ChunkPublications(aeron);
        // Half the request timeout: a held-back SEND is answered well before the puller gives up on it.
        this.admission = new SendAdmission(store, maxConcurrentSends, requestTimeoutNs / 2, this::start);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mobula-object-admission");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(admission::expireWaiters, 50, 50, TimeUnit.MILLISECONDS);
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
            case PullProtocol.SEND -> admission.onSend(request, reply);
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

    /** Runs an admitted send on the sender pool; false if its transfer id is in use (a confused or hostile puller). */
    private boolean start(Request request, ObjectView view) {
        Outbound send = new Outbound(request.id(), request.transferId(), request.address(), view, new CompletableFuture<>());
        if (outbound.putIfAbsent(send.transferId(), send) != null) {
            malformedRequests.incrementAndGet();
            return false;
        }
        sendsStarted.incrementAndGet();
        senders.execute(() -> send(send));
        return true;
    }

    private void send(Outbound send) {
        try {
            ExclusivePublication publication = publications.take(send.address());
            long deadline = System.nanoTime() + transferTimeoutNs;
            try {
                new ChunkSender(publication).send(send.transferId(), send.view().data(), transferTimeoutNs);
            } catch (RuntimeException e) {
                publication.close(); // it may hold part of this transfer, or have lost its receiver
                throw e;
            }
            // Kept open: the tail may still be in flight, and the next transfer to this node starts at once.
            publications.giveBack(send.address(), publication);
            bytesSent.addAndGet(send.view().data().byteSize());
            if (!awaitConfirmation(send, publication, deadline)) {
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
            admission.onSendEnded();
        }
    }

    /**
     * Waits for the puller's DONE until {@code deadline}, or until its publication has had no
     * receiver for {@link ChunkSender#UNCONNECTED_LIMIT_NS} (the puller died: its send slot must not
     * stay taken for the whole transfer timeout).
     */
    private static boolean awaitConfirmation(Outbound send, ExclusivePublication publication, long deadline)
        throws InterruptedException, ExecutionException, TimeoutException {
        long unconnectedSince = 0;
        while (true) {
            try {
                return send.confirmed().get(CONFIRMATION_POLL_MS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                long now = System.nanoTime();
                if (now > deadline) {
                    throw e;
                }
                if (publication.isConnected()) {
                    unconnectedSince = 0;
                } else if (unconnectedSince == 0) {
                    unconnectedSince = now;
                } else if (now - unconnectedSince > ChunkSender.UNCONNECTED_LIMIT_NS) {
                    throw new TimeoutException("the puller at " + send.address() + " went away before confirming");
                }
            }
        }
    }

    private static final long CONFIRMATION_POLL_MS = 200;

    private byte[] confirm(Request request) {
        Outbound send = outbound.get(request.transferId());
        if (send != null && send.id().equals(request.id())) {
            boolean holds = request.address() != null;
            if (holds) {
                admission.onHolder(send.id(), send.address()); // where the chunks went, not what the DONE claims
            }
            send.confirmed().complete(holds);
        }
        return PullProtocol.answer(PullProtocol.ACK);
    }

    /** Stops redirecting pullers of {@code id} to its known holders (the node deleted it, say). */
    /**
     * The node at {@code address} died: pullers are no longer redirected to it, and sends to it stop
     * waiting for a confirmation that will not come (each holds one of the few send slots, and an
     * Aeron publication stays connected for seconds after its receiver is gone).
     */
    void nodeDied(String address) {
        admission.forgetHolder(address);
        for (Outbound send : outbound.values()) {
            if (send.address().equals(address)) {
                send.confirmed().completeExceptionally(new ObjectTransferException(send.id(), "the node at " + address
                    + " pulling object " + send.id() + " was declared dead"));
            }
        }
    }

    void forget(ObjectId id) {
        admission.forget(id);
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
        return admission.redirects();
    }

    long busyAnswers() {
        return admission.busyAnswers();
    }

    long missingAnswers() {
        return missingAnswers.get() + admission.missingAnswers();
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
        timer.shutdownNow();
        senders.shutdownNow(); // interrupts senders waiting for a DONE
        try {
            senders.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        publications.close();
    }
}
