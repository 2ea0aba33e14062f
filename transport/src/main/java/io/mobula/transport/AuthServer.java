package io.mobula.transport;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.aeron.Aeron;
import io.aeron.Image;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.mobula.transport.codec.ChallengeEncoder;
import io.mobula.transport.codec.HelloDecoder;
import io.mobula.transport.codec.MessageHeaderDecoder;
import io.mobula.transport.codec.MessageHeaderEncoder;
import io.mobula.transport.codec.ProofDecoder;
import io.mobula.transport.codec.RejectEncoder;
import io.mobula.transport.codec.RequestDecoder;
import io.mobula.transport.codec.ResponseEncoder;
import io.mobula.transport.codec.WelcomeEncoder;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;

/**
 * The listening end of Mobula's wire: clients join with a challenge-response over the cluster
 * secret, then send requests that a handler answers. One agent thread reads the stream.
 * <p>
 * Nothing unauthenticated is executed: a request whose session is unknown, or that arrives from
 * another Aeron publication than the one that completed the handshake, is dropped and counted;
 * so is every frame that is not a well-formed message of this schema. The server keeps serving the
 * others in every case. Half-open handshakes are bounded in number, per source and in time, so a
 * flood of hellos cannot grow state or lock other clients out; and a hello is answered on a channel
 * the server makes ({@link ReplyChannel}), never on the one it names.
 * <pre>
 *   client                          server
 *     Hello(clientId, clientNonce, replyTo) ->
 *                                   <- Challenge(serverNonce)
 *     Proof(HMAC(s, serverNonce|clientNonce|clientId)) ->
 *                                   <- Welcome(sessionId, HMAC(s, clientNonce|serverNonce|sessionId))
 *     Request(sessionId, correlationId, payload) ->
 *                                   <- Response(correlationId, payload)
 * </pre>
 */
public final class AuthServer implements Agent, AutoCloseable {
    /** What the server does with an authenticated request, answering at once. */
    @FunctionalInterface
    public interface RequestHandler {
        byte[] handle(long sessionId, byte[] payload);
    }

    /**
     * What the server does with an authenticated request, answering when it is ready: the handler
     * returns at once and calls {@link Reply#send} later, from any thread. Requests of one session
     * may then be answered out of order (each answer carries its request's correlation id).
     */
    @FunctionalInterface
    public interface AsyncRequestHandler {
        void handle(long sessionId, byte[] payload, Reply reply);
    }

    /**
     * The way back to one request's sender; thread safe, once. The answer is written to the wire on
     * the calling thread (waiting, for up to 2 s, while the client is back-pressured).
     */
    @FunctionalInterface
    public interface Reply {
        void send(byte[] answer);
    }

    private static final int MAX_PENDING_HANDSHAKES = 64;
    /** Half-open handshakes one source may hold: one sender cannot take every place. */
    static final int MAX_PENDING_PER_SOURCE = 8;
    /** A handshake not proven within this is dropped: an honest client proves in one round trip. */
    static final long HANDSHAKE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);
    private static final long SEND_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(2);

    private final Aeron aeron;
    private final Subscription subscription;
    private final ClusterSecret secret;
    private final AsyncRequestHandler handler;
    /** Aeron sessions whose image went away (the client closed, or went silent past the image timeout). */
    private final org.agrona.concurrent.ManyToOneConcurrentLinkedQueue<Integer> lostImages =
        new org.agrona.concurrent.ManyToOneConcurrentLinkedQueue<>();
    private volatile java.util.function.LongConsumer sessionEnded = id -> {
    };
    private final FragmentHandler assembler = new FragmentAssembler(this::onMessage);
    private final SecureRandom random = new SecureRandom();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final HelloDecoder hello = new HelloDecoder();
    private final ProofDecoder proof = new ProofDecoder();
    private final RequestDecoder request = new RequestDecoder();
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(1024);
    /** Oldest first, so expiry looks at the head alone. */
    private final Map<Long, Pending> pending = new LinkedHashMap<>();
    private final Map<Long, Session> sessions = new HashMap<>();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong unauthenticated = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong expiredHandshakes = new AtomicLong();
    private final AtomicLong served = new AtomicLong();
    private AgentRunner runner;

    /**
     * A handshake between hello and proof. Its challenge goes out when the reply publication
     * connects: offered on each duty cycle, never waited for, so a hello naming a port where no one
     * listens costs the agent nothing but the offer. Agent thread only.
     */
    private static final class Pending {
        final long clientId;
        final byte[] clientNonce;
        final byte[] serverNonce;
        final int aeronSession;
        final Publication reply;
        final String source;
        final long startedNs;
        private final org.agrona.concurrent.UnsafeBuffer challenge;
        private boolean challenged;

        Pending(long clientId, byte[] clientNonce, byte[] serverNonce, int aeronSession, Publication reply, String source,
                long startedNs, byte[] challenge) {
            this.clientId = clientId;
            this.clientNonce = clientNonce;
            this.serverNonce = serverNonce;
            this.aeronSession = aeronSession;
            this.reply = reply;
            this.source = source;
            this.startedNs = startedNs;
            this.challenge = new org.agrona.concurrent.UnsafeBuffer(challenge);
        }

        /** Offers the challenge once if it is not out yet. @return true if it went out now. */
        boolean offerChallenge() {
            if (challenged) {
                return false;
            }
            challenged = reply.offer(challenge) > 0;
            return challenged;
        }
    }

    private record Session(long sessionId, int aeronSession, Publication reply) {
    }

    public AuthServer(Aeron aeron, String channel, int streamId, ClusterSecret secret, RequestHandler handler) {
        this(aeron, channel, streamId, secret, (AsyncRequestHandler) (session, payload, reply) -> reply.send(handler.handle(session, payload)));
    }

    public AuthServer(Aeron aeron, String channel, int streamId, ClusterSecret secret, AsyncRequestHandler handler) {
        this.aeron = aeron;
        this.subscription = aeron.addSubscription(channel, streamId, image -> {
        }, image -> lostImages.offer(image.sessionId()));
        this.secret = secret;
        this.handler = handler;
    }

    /**
     * Tells {@code listener} (on the agent's thread) of each session that ended: its client closed,
     * or fell silent past Aeron's image timeout. The session's requests are answered no more.
     */
    public AuthServer onSessionEnd(java.util.function.LongConsumer listener) {
        this.sessionEnded = listener;
        return this;
    }

    /** Starts the agent on a daemon thread of its own. */
    public AuthServer start() {
        runner = new AgentRunner(Idle.backoff(), Throwable::printStackTrace, null, this);
        AgentRunner.startOnThread(runner, r -> {
            Thread t = new Thread(r, "mobula-auth-server");
            t.setDaemon(true);
            return t;
        });
        return this;
    }

    @Override
    public int doWork() {
        int work = 0;
        Integer lost;
        while ((lost = lostImages.poll()) != null) {
            endSessionsOf(lost);
            work++;
        }
        if (!pending.isEmpty()) {
            work += expireHandshakes(System.nanoTime());
            for (Pending handshake : pending.values()) {
                work += handshake.offerChallenge() ? 1 : 0;
            }
        }
        return work + subscription.poll(assembler, 16);
    }

    /** Drops half-open handshakes older than {@link #HANDSHAKE_TIMEOUT_NS}. @return how many. */
    private int expireHandshakes(long now) {
        int expired = 0;
        java.util.Iterator<Pending> oldest = pending.values().iterator();
        while (oldest.hasNext()) {
            Pending next = oldest.next();
            if (now - next.startedNs < HANDSHAKE_TIMEOUT_NS) {
                break;
            }
            oldest.remove();
            CloseHelper.quietClose(next.reply);
            expiredHandshakes.incrementAndGet();
            expired++;
        }
        return expired;
    }

    /**
     * Sends one answer, on the thread that made it: the reply publications are concurrent ones, so
     * the thread that finished the work writes its answer itself and no hop through the agent (which
     * may be parked) stands between a finished task and its reply.
     */
    private void send(Session session, long correlationId, byte[] payload) {
        if (Messages.offerResponse(session.reply(), correlationId, payload, SEND_TIMEOUT_NS)) {
            served.incrementAndGet();
        }
    }

    @Override
    public String roleName() {
        return "mobula-auth-server";
    }

    /** Frames that were not well-formed messages of this schema, dropped. */
    public long malformedCount() {
        return malformed.get();
    }

    /** Requests without a valid session (or from another publication than the session's), dropped. */
    public long unauthenticatedCount() {
        return unauthenticated.get();
    }

    /** Handshakes refused: a wrong proof, or too many half-open ones. */
    public long rejectedCount() {
        return rejected.get();
    }

    /** Handshakes dropped because no proof came within {@link #HANDSHAKE_TIMEOUT_NS}. */
    public long expiredHandshakeCount() {
        return expiredHandshakes.get();
    }

    public long servedCount() {
        return served.get();
    }

    private void onMessage(DirectBuffer buffer, int offset, int length, Header header) {
        try {
            if (!Messages.headerOk(headerDecoder, buffer, offset, length)) {
                malformed.incrementAndGet();
                return;
            }
            int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
            switch (headerDecoder.templateId()) {
                case HelloDecoder.TEMPLATE_ID -> onHello(buffer, body, header.sessionId(), sourceOf(header));
                case ProofDecoder.TEMPLATE_ID -> onProof(buffer, body, header.sessionId());
                case RequestDecoder.TEMPLATE_ID -> onRequest(buffer, body, header.sessionId());
                default -> malformed.incrementAndGet();
            }
        } catch (IndexOutOfBoundsException | IllegalArgumentException | IllegalStateException e) {
            malformed.incrementAndGet(); // truncated or inconsistent: a decoder ran off the frame
        }
    }

    /** Where a frame came from: {@code host:port} of a UDP sender, {@code aeron:ipc} for a local one. */
    private static String sourceOf(Header header) {
        return header.context() instanceof Image image ? image.sourceIdentity() : null;
    }

    private void onHello(DirectBuffer buffer, int body, int aeronSession, String source) {
        hello.wrap(buffer, body, headerDecoder.blockLength(), headerDecoder.version());
        long clientId = hello.clientId();
        byte[] clientNonce = new byte[ClusterSecret.BYTES];
        hello.getClientNonce(clientNonce, 0, ClusterSecret.BYTES);
        int replyStream = hello.replyStreamId();
        String replyChannel = ReplyChannel.of(hello.replyChannel(), source);
        if (replyChannel == null) {
            rejected.incrementAndGet(); // an answer elsewhere than to its sender, or on terms the server does not grant
            return;
        }
        if (pending.size() >= MAX_PENDING_HANDSHAKES || pending.containsKey(clientId)
            || pendingFrom(source) >= MAX_PENDING_PER_SOURCE) {
            rejected.incrementAndGet();
            return;
        }
        byte[] serverNonce = new byte[ClusterSecret.BYTES];
        random.nextBytes(serverNonce);
        // concurrent, not exclusive: answers are written by the threads that finish the work
        Publication reply = aeron.addPublication(replyChannel, replyStream);
        ChallengeEncoder challenge = new ChallengeEncoder().wrapAndApplyHeader(out, 0, headerEncoder);
        challenge.clientId(clientId).putServerNonce(serverNonce, 0, ClusterSecret.BYTES);
        byte[] challengeBytes = new byte[MessageHeaderEncoder.ENCODED_LENGTH + challenge.encodedLength()];
        out.getBytes(0, challengeBytes);
        Pending handshake = new Pending(clientId, clientNonce, serverNonce, aeronSession, reply, source, System.nanoTime(),
            challengeBytes);
        pending.put(clientId, handshake);
        handshake.offerChallenge(); // usually not connected yet: the duty cycle offers it again
    }

    private int pendingFrom(String source) {
        int count = 0;
        for (Pending handshake : pending.values()) {
            if (handshake.source.equals(source)) {
                count++;
            }
        }
        return count;
    }

    private void onProof(DirectBuffer buffer, int body, int aeronSession) {
        proof.wrap(buffer, body, headerDecoder.blockLength(), headerDecoder.version());
        Pending handshake = pending.remove(proof.clientId());
        if (handshake == null || handshake.aeronSession != aeronSession) {
            unauthenticated.incrementAndGet();
            return;
        }
        byte[] mac = new byte[ClusterSecret.BYTES];
        proof.getMac(mac, 0, ClusterSecret.BYTES);
        byte[] expected = secret.mac(handshake.serverNonce, handshake.clientNonce, Messages.longBytes(handshake.clientId));
        if (!ClusterSecret.equal(mac, expected)) {
            rejected.incrementAndGet();
            RejectEncoder reject = new RejectEncoder().wrapAndApplyHeader(out, 0, headerEncoder);
            reject.clientId(handshake.clientId).reason("the proof does not match: this client does not hold the cluster secret");
            Messages.offer(handshake.reply, out, MessageHeaderEncoder.ENCODED_LENGTH + reject.encodedLength(), SEND_TIMEOUT_NS);
            CloseHelper.quietClose(handshake.reply);
            return;
        }
        long sessionId = random.nextLong();
        sessions.put(sessionId, new Session(sessionId, aeronSession, handshake.reply));
        WelcomeEncoder welcome = new WelcomeEncoder().wrapAndApplyHeader(out, 0, headerEncoder);
        welcome.clientId(handshake.clientId).sessionId(sessionId)
            .putServerMac(secret.mac(handshake.clientNonce, handshake.serverNonce, Messages.longBytes(sessionId)), 0,
                ClusterSecret.BYTES);
        Messages.offer(handshake.reply, out, MessageHeaderEncoder.ENCODED_LENGTH + welcome.encodedLength(), SEND_TIMEOUT_NS);
    }

    private void onRequest(DirectBuffer buffer, int body, int aeronSession) {
        request.wrap(buffer, body, headerDecoder.blockLength(), headerDecoder.version());
        Session session = sessions.get(request.sessionId());
        if (session == null || session.aeronSession() != aeronSession) {
            unauthenticated.incrementAndGet();
            return;
        }
        long correlationId = request.correlationId();
        byte[] payload = new byte[request.payloadLength()];
        request.getPayload(payload, 0, payload.length);
        handler.handle(session.sessionId(), payload, answer -> send(session, correlationId, answer));
    }

    private void endSessionsOf(int aeronSession) {
        pending.values().removeIf(p -> {
            if (p.aeronSession == aeronSession) {
                CloseHelper.quietClose(p.reply);
                return true;
            }
            return false;
        });
        java.util.List<Session> ended = new java.util.ArrayList<>();
        sessions.values().removeIf(s -> s.aeronSession() == aeronSession && ended.add(s));
        for (Session session : ended) {
            CloseHelper.quietClose(session.reply());
            sessionEnded.accept(session.sessionId());
        }
    }

    @Override
    public void onClose() {
        pending.values().forEach(p -> CloseHelper.quietClose(p.reply));
        sessions.values().forEach(s -> CloseHelper.quietClose(s.reply()));
        CloseHelper.quietClose(subscription);
    }

    @Override
    public void close() {
        if (runner != null) {
            runner.close();
        } else {
            onClose();
        }
    }
}
