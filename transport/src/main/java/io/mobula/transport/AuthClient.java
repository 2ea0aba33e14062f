package io.mobula.transport;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.mobula.transport.codec.ChallengeDecoder;
import io.mobula.transport.codec.HelloEncoder;
import io.mobula.transport.codec.MessageHeaderDecoder;
import io.mobula.transport.codec.MessageHeaderEncoder;
import io.mobula.transport.codec.ProofEncoder;
import io.mobula.transport.codec.RejectDecoder;
import io.mobula.transport.codec.RequestEncoder;
import io.mobula.transport.codec.ResponseDecoder;
import io.mobula.transport.codec.WelcomeDecoder;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.IdleStrategy;

/**
 * The joining end of Mobula's wire: proves it holds the cluster secret (and checks that the server
 * does too), then makes requests, in one of two ways: {@link #request} from one thread at a time,
 * waiting for each answer; or {@link #submit} from any number of threads, many requests in flight,
 * answered out of order and matched by correlation id by a reader thread of the client's own. A
 * client uses one way only.
 */
public final class AuthClient implements AutoCloseable {
    private final ExclusivePublication toServer;
    private final Subscription replies;
    private final FragmentAssembler assembler = new FragmentAssembler(this::onReply);
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(1024);
    private final long clientId;
    private final long sessionId;
    private long nextCorrelation;
    // Pipelined use: requests in flight by correlation id, answered by the reader thread.
    private final java.util.concurrent.ConcurrentHashMap<Long, ResponseListener> inFlight =
        new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong correlations = new java.util.concurrent.atomic.AtomicLong();
    private final FragmentAssembler pipelinedAssembler = new FragmentAssembler(this::onPipelinedReply);
    // Guarded by pipelinedOut: the sending side of pipelined use.
    private final ExpandableArrayBuffer pipelinedOut = new ExpandableArrayBuffer(1024);
    private final MessageHeaderEncoder pipelinedHeader = new MessageHeaderEncoder();
    private final RequestEncoder pipelinedRequest = new RequestEncoder();
    private final io.aeron.logbuffer.BufferClaim claim = new io.aeron.logbuffer.BufferClaim();
    private volatile Thread reader;
    private volatile boolean closed;
    private volatile boolean gone;
    // The reply being waited for, written by onReply.
    private int replyTemplate;
    private byte[] replyBytes;
    private long replyLong;
    private String replyText;

    /**
     * Joins the server listening on {@code serverChannel}/{@code serverStream}, asking it to answer on
     * {@code replyChannel}/{@code replyStream}.
     *
     * @throws AuthenticationException if the server refuses the proof, cannot prove the secret itself,
     *                                 or does not answer within {@code timeout}.
     */
    public AuthClient(Aeron aeron, String serverChannel, int serverStream, String replyChannel, int replyStream,
                      ClusterSecret secret, Duration timeout) {
        SecureRandom random = new SecureRandom();
        this.clientId = random.nextLong();
        this.replies = aeron.addSubscription(replyChannel, replyStream, image -> {
        }, image -> serverGone()); // its answers' stream ended: the server closed, died, or fell silent
        this.toServer = aeron.addExclusivePublication(serverChannel, serverStream);
        long timeoutNs = timeout.toNanos();
        try {
            byte[] clientNonce = new byte[ClusterSecret.BYTES];
            random.nextBytes(clientNonce);
            HelloEncoder hello = new HelloEncoder().wrapAndApplyHeader(out, 0, headerEncoder);
            hello.clientId(clientId).putClientNonce(clientNonce, 0, ClusterSecret.BYTES).replyStreamId(replyStream).replyChannel(replyChannel);
            send(MessageHeaderEncoder.ENCODED_LENGTH + hello.encodedLength(), timeoutNs, "hello");
            awaitReply(ChallengeDecoder.TEMPLATE_ID, timeoutNs, "a challenge");
            byte[] serverNonce = replyBytes;

            ProofEncoder proof = new ProofEncoder().wrapAndApplyHeader(out, 0, headerEncoder);
            proof.clientId(clientId).putMac(secret.mac(serverNonce, clientNonce, Messages.longBytes(clientId)), 0, ClusterSecret.BYTES);
            send(MessageHeaderEncoder.ENCODED_LENGTH + proof.encodedLength(), timeoutNs, "proof");
            awaitReply(WelcomeDecoder.TEMPLATE_ID, timeoutNs, "a welcome");
            long session = replyLong;
            byte[] expected = secret.mac(clientNonce, serverNonce, Messages.longBytes(session));
            if (!ClusterSecret.equal(replyBytes, expected)) {
                throw new AuthenticationException("the server could not prove it holds the cluster secret; "
                    + "check the address, something else may be listening there");
            }
            this.sessionId = session;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Joins the server at {@code address} ({@code HOST:PORT}, UDP) on {@code serverStream}, with its
     * answers coming back to a free UDP port of this host's address on the route to the server.
     *
     * @throws IllegalArgumentException for an address that is not HOST:PORT.
     * @throws AuthenticationException  as the constructor does.
     */
    public static AuthClient connect(Aeron aeron, String address, int serverStream, ClusterSecret secret, Duration timeout) {
        String endpoint = AeronChannels.parseAddress(address);
        int colon = endpoint.lastIndexOf(':');
        String host = endpoint.substring(0, colon).replace("[", "").replace("]", "");
        String serverChannel = AeronChannels.udp(host, Integer.parseInt(endpoint.substring(colon + 1)));
        int replyStream = 1 + new SecureRandom().nextInt(Integer.MAX_VALUE - 1);
        String replyChannel = AeronChannels.udp(AeronChannels.localAddressFacing(host), AeronChannels.freeUdpPort());
        return new AuthClient(aeron, serverChannel, serverStream, replyChannel, replyStream, secret, timeout);
    }

    public long sessionId() {
        return sessionId;
    }

    /** Sends a request and waits for its response. */
    public byte[] request(byte[] payload, Duration timeout) {
        long correlationId = ++nextCorrelation;
        RequestEncoder request = new RequestEncoder().wrapAndApplyHeader(out, 0, headerEncoder);
        request.sessionId(sessionId).correlationId(correlationId).putPayload(payload, 0, payload.length);
        long timeoutNs = timeout.toNanos();
        send(MessageHeaderEncoder.ENCODED_LENGTH + request.encodedLength(), timeoutNs, "request");
        while (true) {
            awaitReply(ResponseDecoder.TEMPLATE_ID, timeoutNs, "a response");
            if (replyLong == correlationId) {
                return replyBytes;
            }
        }
    }

    /** Told of one pipelined request's outcome, once, on the client's reader thread (or the sender's, if it could not be sent). */
    @FunctionalInterface
    public interface ResponseListener {
        /** @param answer the response's payload, or null if {@code failure} says why there is none. */
        void onResponse(byte[] answer, Throwable failure);
    }

    /**
     * Sends a request without waiting: the future completes with the answer (or fails if the client
     * closes first, or the request cannot be sent within {@code timeout}). Thread safe.
     */
    public java.util.concurrent.CompletableFuture<byte[]> submit(byte[] payload, Duration timeout) {
        java.util.concurrent.CompletableFuture<byte[]> answer = new java.util.concurrent.CompletableFuture<>();
        submit(payload, timeout, (bytes, failure) -> {
            if (failure == null) {
                answer.complete(bytes);
            } else {
                answer.completeExceptionally(failure);
            }
        });
        return answer;
    }

    /**
     * Sends a request without waiting; {@code listener} hears the answer on the client's reader
     * thread, so it must be quick and must not block (or fails on this thread if the request cannot
     * be sent within {@code timeout}, or the client closes first). Requests sent from one thread go
     * on the wire in the order sent. Thread safe.
     */
    public void submit(byte[] payload, Duration timeout, ResponseListener listener) {
        startReader();
        long correlationId = correlations.incrementAndGet();
        inFlight.put(correlationId, listener);
        if (gone) {
            fail(correlationId, new AuthenticationException("the server went away (its process ended, or it fell silent)"));
            return;
        }
        if (closed) {
            fail(correlationId, new AuthenticationException("the client closed"));
            return;
        }
        boolean sent;
        synchronized (pipelinedOut) {
            sent = sendRequest(correlationId, payload, timeout.toNanos());
        }
        if (!sent) {
            fail(correlationId, new AuthenticationException("could not send a request within "
                + timeout.toMillis() + " ms: is the server still there?"));
        }
    }

    private void fail(long correlationId, Throwable failure) {
        ResponseListener listener = inFlight.remove(correlationId);
        if (listener != null) {
            listener.onResponse(null, failure);
        }
    }

    /** Under the send lock: claims a frame in the term when the request fits one (one copy), else encodes and offers. */
    private boolean sendRequest(long correlationId, byte[] payload, long timeoutNs) {
        int length = MessageHeaderEncoder.ENCODED_LENGTH + RequestEncoder.BLOCK_LENGTH + RequestEncoder.payloadHeaderLength()
            + payload.length;
        if (length > toServer.maxPayloadLength()) {
            RequestEncoder request = new RequestEncoder().wrapAndApplyHeader(pipelinedOut, 0, pipelinedHeader);
            request.sessionId(sessionId).correlationId(correlationId).putPayload(payload, 0, payload.length);
            return Messages.offer(toServer, pipelinedOut, length, timeoutNs);
        }
        long deadline = 0;
        IdleStrategy idle = null;
        while (true) {
            long result = toServer.tryClaim(length, claim);
            if (result > 0) {
                pipelinedRequest.wrapAndApplyHeader(claim.buffer(), claim.offset(), pipelinedHeader)
                    .sessionId(sessionId).correlationId(correlationId).putPayload(payload, 0, payload.length);
                claim.commit();
                return true;
            }
            if (idle == null) {
                deadline = System.nanoTime() + timeoutNs;
                idle = Idle.backoff();
            }
            if (result == io.aeron.Publication.CLOSED || result == io.aeron.Publication.MAX_POSITION_EXCEEDED
                || System.nanoTime() > deadline) {
                return false;
            }
            idle.idle();
        }
    }

    private void startReader() {
        if (reader == null) {
            synchronized (inFlight) {
                if (reader == null) {
                    Thread t = new Thread(() -> {
                        IdleStrategy idle = Idle.backoff();
                        while (!closed) {
                            idle.idle(replies.poll(pipelinedAssembler, 16));
                        }
                    }, "mobula-client-reader");
                    t.setDaemon(true);
                    t.start();
                    reader = t;
                }
            }
        }
    }

    private void onPipelinedReply(DirectBuffer buffer, int offset, int length, io.aeron.logbuffer.Header header) {
        if (!Messages.headerOk(headerDecoder, buffer, offset, length) || headerDecoder.templateId() != ResponseDecoder.TEMPLATE_ID) {
            return;
        }
        ResponseDecoder response = new ResponseDecoder().wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH,
            headerDecoder.blockLength(), headerDecoder.version());
        ResponseListener listener = inFlight.remove(response.correlationId());
        byte[] bytes = new byte[response.payloadLength()];
        response.getPayload(bytes, 0, bytes.length);
        if (listener != null) {
            try {
                listener.onResponse(bytes, null);
            } catch (RuntimeException e) {
                e.printStackTrace(); // a listener's bug must not stop the reader: the other answers still come
            }
        }
    }

    private void send(int length, long timeoutNs, String what) {
        if (!Messages.offer(toServer, out, length, timeoutNs)) {
            throw new AuthenticationException("could not send the " + what + " within "
                + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms: is a server listening at that address?");
        }
    }

    private void awaitReply(int template, long timeoutNs, String what) {
        long deadline = System.nanoTime() + timeoutNs;
        IdleStrategy idle = Idle.backoff();
        replyTemplate = -1;
        while (replyTemplate != template) {
            if (replyTemplate == RejectDecoder.TEMPLATE_ID) {
                throw new AuthenticationException("the server refused to let this client join: " + replyText);
            }
            if (System.nanoTime() > deadline) {
                throw new AuthenticationException("no " + what + " from the server within "
                    + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms");
            }
            replyTemplate = -1;
            idle.idle(replies.poll(assembler, 1));
        }
    }

    private void onReply(DirectBuffer buffer, int offset, int length, io.aeron.logbuffer.Header header) {
        if (!Messages.headerOk(headerDecoder, buffer, offset, length)) {
            return;
        }
        int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        int blockLength = headerDecoder.blockLength();
        int version = headerDecoder.version();
        switch (headerDecoder.templateId()) {
            case ChallengeDecoder.TEMPLATE_ID -> {
                ChallengeDecoder challenge = new ChallengeDecoder().wrap(buffer, body, blockLength, version);
                if (challenge.clientId() == clientId) {
                    replyBytes = new byte[ClusterSecret.BYTES];
                    challenge.getServerNonce(replyBytes, 0, ClusterSecret.BYTES);
                    replyTemplate = ChallengeDecoder.TEMPLATE_ID;
                }
            }
            case WelcomeDecoder.TEMPLATE_ID -> {
                WelcomeDecoder welcome = new WelcomeDecoder().wrap(buffer, body, blockLength, version);
                if (welcome.clientId() == clientId) {
                    replyLong = welcome.sessionId();
                    replyBytes = new byte[ClusterSecret.BYTES];
                    welcome.getServerMac(replyBytes, 0, ClusterSecret.BYTES);
                    replyTemplate = WelcomeDecoder.TEMPLATE_ID;
                }
            }
            case RejectDecoder.TEMPLATE_ID -> {
                RejectDecoder reject = new RejectDecoder().wrap(buffer, body, blockLength, version);
                if (reject.clientId() == clientId) {
                    replyText = reject.reason();
                    replyTemplate = RejectDecoder.TEMPLATE_ID;
                }
            }
            case ResponseDecoder.TEMPLATE_ID -> {
                ResponseDecoder response = new ResponseDecoder().wrap(buffer, body, blockLength, version);
                replyLong = response.correlationId();
                replyBytes = new byte[response.payloadLength()];
                response.getPayload(replyBytes, 0, replyBytes.length);
                replyTemplate = ResponseDecoder.TEMPLATE_ID;
            }
            default -> {
            }
        }
    }

    /**
     * The server's answers stopped for good (its process ended, or it fell silent past Aeron's image
     * timeout, or the media driver carrying them is gone): what is in flight fails now rather than
     * waiting forever, and so does what follows.
     */
    public void serverGone() {
        serverGone(new ServerGoneException("the server went away (its process ended, or it fell silent) "
            + "before answering"));
    }

    /** As {@link #serverGone()}, with what is in flight failed by {@code reason} (say, the server was declared dead). */
    public void serverGone(RuntimeException reason) {
        gone = true;
        for (Long correlationId : inFlight.keySet()) {
            fail(correlationId, reason);
        }
    }

    /** Whether the server's answers stopped for good; a new client is needed to reach it again. */
    public boolean serverGoneAway() {
        return gone;
    }

    @Override
    public void close() {
        closed = true;
        Thread t = reader;
        if (t != null) {
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Long correlationId : inFlight.keySet()) {
            fail(correlationId, new AuthenticationException("the client closed"));
        }
        CloseHelper.quietCloseAll(toServer, replies);
    }
}
