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
 * does too), then makes requests. One thread at a time: a request waits for its own answer
 * (answers to earlier requests that timed out are skipped by correlation id).
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
        CloseHelper.quietCloseAll(toServer, replies);
    }
}
