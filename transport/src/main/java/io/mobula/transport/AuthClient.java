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
    private final java.util.concurrent.ConcurrentHashMap<Long, java.util.concurrent.CompletableFuture<byte[]>> inFlight =
        new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong correlations = new java.util.concurrent.atomic.AtomicLong();
    private final FragmentAssembler pipelinedAssembler = new FragmentAssembler(this::onPipelinedReply);
    private final ExpandableArrayBuffer pipelinedOut = new ExpandableArrayBuffer(1024);
    private volatile Thread reader;
    private volatile boolean closed;
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
        this.replies = aeron.addSubscription(replyChannel, replyStream);
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

    /**
     * Sends a request without waiting: the future completes with the answer (or fails if the client
     * closes first, or the request cannot be sent within {@code timeout}). Thread safe.
     */
    public java.util.concurrent.CompletableFuture<byte[]> submit(byte[] payload, Duration timeout) {
        startReader();
        long correlationId = correlations.incrementAndGet();
        java.util.concurrent.CompletableFuture<byte[]> answer = new java.util.concurrent.CompletableFuture<>();
        inFlight.put(correlationId, answer);
        boolean sent;
        synchronized (pipelinedOut) {
            RequestEncoder request = new RequestEncoder().wrapAndApplyHeader(pipelinedOut, 0, new MessageHeaderEncoder());
            request.sessionId(sessionId).correlationId(correlationId).putPayload(payload, 0, payload.length);
            sent = Messages.offer(toServer, pipelinedOut, MessageHeaderEncoder.ENCODED_LENGTH + request.encodedLength(),
                timeout.toNanos());
        }
        if (!sent) {
            inFlight.remove(correlationId);
            answer.completeExceptionally(new AuthenticationException("could not send a request within "
                + timeout.toMillis() + " ms: is the server still there?"));
        }
        return answer;
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
        java.util.concurrent.CompletableFuture<byte[]> answer = inFlight.remove(response.correlationId());
        byte[] bytes = new byte[response.payloadLength()];
        response.getPayload(bytes, 0, bytes.length);
        if (answer != null) {
            answer.complete(bytes);
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
        inFlight.values().forEach(f -> f.completeExceptionally(new AuthenticationException("the client closed")));
        inFlight.clear();
        CloseHelper.quietCloseAll(toServer, replies);
    }
}
