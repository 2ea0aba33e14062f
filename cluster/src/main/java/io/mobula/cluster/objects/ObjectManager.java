package io.mobula.cluster.objects;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import io.mobula.store.ObjectId;
import io.mobula.store.ObjectView;
import io.mobula.transport.AeronChannels;
import io.mobula.transport.AuthServer;

/**
 * A node's object manager: moves sealed objects between the stores of the cluster's nodes, pulled
 * by the node that needs one, in chunks over Aeron UDP written straight into the receiving store's
 * memory (no copy of the object on the heap at either end).
 * <pre>
 *   node B (puller)                                   node A (holder)
 *   pull(id, [A]) ─ LOCATE(id) ───────────────────────► FOUND(size, kind)
 *   store.create(id, size) ; expect(transferId -> the object's memory)
 *                 ─ SEND(id, transferId, B) ──────────► ACCEPTED | BUSY | REDIRECT(holders) | MISSING
 *   receiver  ◄══ chunks(transferId) ═════════════════ sender (claims each chunk in the term buffer,
 *   writes each into the object, seals at the end       copies it straight from the pinned object)
 *                 ─ DONE(id, transferId, B) ──────────► B is now a holder of id
 * </pre>
 * Each node binds one UDP endpoint, {@link #address()} (streams in {@link ObjectChannels}); every
 * request, in either direction, goes over a session authenticated with the cluster secret, so an
 * unauthenticated or malformed request is dropped and counted and never served. Chunks are written
 * only for transfers this node announced, under random 64-bit transfer ids.
 * <p>
 * <b>Deduplication</b>: concurrent pulls of one object on one node share one transfer; each
 * caller gets its own pin of the same sealed object. <b>Broadcast</b>: a node sends at most
 * {@code maxConcurrentSends} transfers at once and redirects further pullers to nodes it has sent
 * the object to (which confirmed a complete copy), or holds their requests until a send ends, so
 * one object pulled by N nodes fans out as a tree instead of leaving the source N times; see
 * {@link SendAdmission}.
 * <p>
 * The node keeps its media driver, Aeron client and store; the manager only uses them, and must be
 * closed before them.
 */
public final class ObjectManager implements AutoCloseable {
    private final String address;
    private final InboundTransfers inbound;
    private final NodeConnections nodes;
    private final ObjectServer server;
    private final ObjectPuller puller;

    /**
     * Binds {@code host:port} and starts serving this node's store and receiving pulled objects.
     *
     * @throws IllegalArgumentException if the context is incomplete or a value is out of range.
     */
    public ObjectManager(ObjectManagerContext context) {
        context.conclude();
        this.address = AeronChannels.endpoint(context.host(), context.port());
        String receiving = ObjectChannels.receiving(address);
        this.inbound = new InboundTransfers(context.aeron(), receiving);
        this.nodes = new NodeConnections(context.aeron(), receiving, context.secret(), context.requestTimeoutNs());
        this.server = new ObjectServer(context.aeron(), receiving, context.secret(), context.store(), context.maxConcurrentSends(),
            context.requestTimeoutNs(), context.transferTimeoutNs(), context.errorHandler());
        this.puller = new ObjectPuller(context.store(), address, nodes, inbound, context.transferTimeoutNs());
    }

    /** {@code HOST:PORT}: where other nodes pull this node's objects from, and what it names itself as a holder. */
    public String address() {
        return address;
    }

    /**
     * Brings object {@code id} into this node's store from one of {@code sources} ({@code HOST:PORT}
     * of nodes that hold it, in order of preference; pass every holder known, the broadcast spreads
     * over them). If the object is here already, completes at once; if a pull of it is under way,
     * joins it (its sources are added to that pull's).
     *
     * @return completes with a view of the local, sealed object, pinned for this caller alone (close
     *         it); fails with {@link ObjectNotFoundException} when every source answered that it does
     *         not hold the object, with {@link ObjectTransferException} when no source could be
     *         joined (a wrong secret: the cause is an {@code AuthenticationException}) or none sent
     *         it within the transfer timeout, or with the store's exception when the object does not
     *         fit here.
     * @throws IllegalArgumentException if {@code id} is null, {@code sources} is empty, or a source
     *                                  is not {@code HOST:PORT}.
     */
    public CompletableFuture<ObjectView> pull(ObjectId id, List<String> sources) {
        if (id == null) {
            throw new IllegalArgumentException("pull needs an object id, got null");
        }
        if (sources == null || sources.isEmpty()) {
            throw new IllegalArgumentException("pull of " + id + " needs at least one source node (HOST:PORT)");
        }
        List<String> checked = sources.stream().map(s -> AeronChannels.parseAddress(Objects.requireNonNullElse(s, "null"))).toList();
        return puller.pull(id, checked);
    }

    /** {@link #pull(ObjectId, List)} from one source. */
    public CompletableFuture<ObjectView> pull(ObjectId id, String source) {
        return pull(id, List.of(source == null ? "null" : source));
    }

    /**
     * Stops telling pullers of {@code id} to go to the nodes this one sent it to: call when the
     * object is deleted cluster-wide, so the server's list of holders does not outlive it.
     */
    public void forget(ObjectId id) {
        server.forget(id);
    }

    /**
     * The node whose object manager listens at {@code address} died: pulls no longer ask it, and
     * pullers are no longer redirected to it (a dead holder costs each of them a request timeout).
     */
    public void nodeDied(String address) {
        puller.gone(address);
        server.nodeDied(address);
        nodes.nodeDied(address);
    }

    /**
     * The node whose object manager listens at {@code address} lives, though a node there was
     * declared dead (the head fenced it while it lived: it joined again under a new id with this
     * same manager): pulls ask it again. A node killed and started again listens at a new address.
     */
    public void nodeAlive(String address) {
        puller.alive(address);
    }

    /** Transfers this node's server accepted to send (each one send of the whole object). */
    public long sendsStarted() {
        return server.sendsStarted();
    }

    /** Bytes of objects this node's server handed to Aeron for other nodes. */
    public long bytesSent() {
        return server.bytesSent();
    }

    /** Sends that failed or whose puller never confirmed a complete copy. */
    public long sendsFailed() {
        return server.sendsFailed();
    }

    /** SEND requests answered with a redirect to other holders. */
    public long redirects() {
        return server.redirects();
    }

    /** SEND requests answered BUSY: held back for half the request timeout with no slot freed and no holder known. */
    public long busyAnswers() {
        return server.busyAnswers();
    }

    /** Requests for objects this node does not hold. */
    public long missingAnswers() {
        return server.missingAnswers();
    }

    /** Authenticated requests whose payload did not parse: dropped, unanswered. */
    public long malformedRequests() {
        return server.malformedRequests();
    }

    /** Frames on the request stream from unknown or unauthenticated sessions: dropped. */
    public long unauthenticatedRequests() {
        AuthServer wire = server.wire();
        return wire.unauthenticatedCount() + wire.malformedCount();
    }

    /** Joins refused: a proof made with another secret, or too many half-open handshakes. */
    public long rejectedJoins() {
        return server.wire().rejectedCount();
    }

    /** Transfers into this node that a source accepted (one per object brought here, however many asked). */
    public long transfersStarted() {
        return puller.transfersStarted();
    }

    /** Objects brought into this node's store and sealed. */
    public long transfersCompleted() {
        return puller.transfersCompleted();
    }

    /** Bytes of objects brought into this node's store. */
    public long bytesReceived() {
        return puller.bytesReceived();
    }

    /** Chunks that arrived for transfers this node did not announce (stale or forged): dropped. */
    public long refusedChunks() {
        return inbound.refusedChunks();
    }

    /** Fails pulls under way, stops serving, and unbinds. The store and Aeron client stay open. */
    @Override
    public void close() {
        puller.close();
        server.close();
        nodes.close();
        inbound.close();
    }
}
