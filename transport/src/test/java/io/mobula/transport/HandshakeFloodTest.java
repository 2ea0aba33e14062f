package io.mobula.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.aeron.ExclusivePublication;
import io.mobula.transport.codec.HelloEncoder;
import io.mobula.transport.codec.MessageHeaderEncoder;

/**
 * Hellos that never prove, and hellos that ask to be answered elsewhere: neither locks honest
 * clients out, and the server answers only where a hello came from, on terms it grants.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HandshakeFloodTest {
    private static final int SERVER_STREAM = 1101;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final ClusterSecret secret = ClusterSecret.generate();
    private EmbeddedTransport transport;
    private int serverPort;
    private String udpServer;
    private AuthServer server;

    @BeforeEach
    void start() throws Exception {
        transport = new EmbeddedTransport();
        try (DatagramSocket free = new DatagramSocket(0)) {
            serverPort = free.getLocalPort();
        }
        udpServer = AeronChannels.udp("127.0.0.1", serverPort);
        server = new AuthServer(transport.aeron(), udpServer, SERVER_STREAM, secret, (session, payload) -> payload).start();
    }

    @AfterEach
    void stop() {
        server.close();
        transport.close();
    }

    /** Sends hellos that will never be followed by a proof, from one UDP source. */
    private void flood(ExclusivePublication attacker, int hellos, long firstClientId, String replyChannel) {
        ExpandableArrayBuffer frame = new ExpandableArrayBuffer();
        for (int i = 0; i < hellos; i++) {
            HelloEncoder hello = new HelloEncoder().wrapAndApplyHeader(frame, 0, new MessageHeaderEncoder());
            hello.clientId(firstClientId + i).putClientNonce(new byte[ClusterSecret.BYTES], 0, ClusterSecret.BYTES)
                .replyStreamId(3000 + i).replyChannel(replyChannel);
            assertTrue(Messages.offer(attacker, frame, MessageHeaderEncoder.ENCODED_LENGTH + hello.encodedLength(),
                TimeUnit.SECONDS.toNanos(5)));
        }
    }

    /** Before: 64 unproven hellos from one sender filled every place for good; every later client was refused. */
    @Test
    void oneSenderCannotTakeEveryPlaceAndUnprovenHandshakesExpire() throws Exception {
        try (ExclusivePublication attacker = transport.aeron().addExclusivePublication(udpServer, SERVER_STREAM)) {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!attacker.isConnected() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            flood(attacker, 64, 1_000, AeronChannels.udp("127.0.0.1", 40_000));
            AuthTransportTest.await(server::rejectedCount, 64 - AuthServer.MAX_PENDING_PER_SOURCE, 10);
            // an honest client over IPC, another source, is served at once
            try (AuthServer ipc = new AuthServer(transport.aeron(), AeronChannels.IPC, SERVER_STREAM + 1, secret,
                (session, payload) -> payload).start();
                 AuthClient honest = new AuthClient(transport.aeron(), AeronChannels.IPC, SERVER_STREAM + 1, AeronChannels.IPC,
                     2101, secret, TIMEOUT)) {
                assertArrayEquals(new byte[] {7}, honest.request(new byte[] {7}, TIMEOUT));
            }
            // and a client from the flooding address gets in once the unproven handshakes expire
            AuthTransportTest.await(server::expiredHandshakeCount, AuthServer.MAX_PENDING_PER_SOURCE, 15);
            int replyPort;
            try (DatagramSocket free = new DatagramSocket(0)) {
                replyPort = free.getLocalPort();
            }
            try (AuthClient honest = new AuthClient(transport.aeron(), udpServer, SERVER_STREAM,
                AeronChannels.udp("127.0.0.1", replyPort), 2102, secret, TIMEOUT)) {
                assertArrayEquals(new byte[] {8}, honest.request(new byte[] {8}, TIMEOUT));
            }
        }
    }

    @Test
    void aHelloIsAnsweredOnlyWhereItCameFromAndOnTermsTheServerGrants() {
        assertEquals("aeron:udp?endpoint=10.0.0.5:4000", ReplyChannel.of("aeron:udp?endpoint=198.51.100.7:4000", "10.0.0.5:39000"),
            "the address the hello came from, never the one it names");
        assertEquals("aeron:udp?endpoint=10.0.0.5:4000", ReplyChannel.of("aeron:udp?endpoint=10.0.0.5:4000|term-length=1g",
            "10.0.0.5:39000"), "a term length is the server's to choose");
        String buffered = ReplyChannel.of("aeron:udp?endpoint=10.0.0.5:4000|so-rcvbuf=4m|rcv-wnd=4m|mtu=8192", "10.0.0.5:1");
        assertTrue(buffered.contains("so-rcvbuf=4194304") && buffered.contains("rcv-wnd=4194304") && buffered.contains("mtu=8192"),
            buffered);
        assertNull(ReplyChannel.of("aeron:udp?endpoint=10.0.0.5:4000|so-sndbuf=1g", "10.0.0.5:1"), "too large a buffer");
        assertNull(ReplyChannel.of("aeron:udp?endpoint=10.0.0.5:4000|mtu=1m", "10.0.0.5:1"));
        assertNull(ReplyChannel.of("aeron:ipc", "10.0.0.5:39000"), "a remote sender cannot be answered over IPC");
        assertEquals("aeron:ipc", ReplyChannel.of("aeron:ipc?term-length=1g", "aeron:ipc"));
        assertNull(ReplyChannel.of("aeron:udp?endpoint=10.0.0.5:0", "10.0.0.5:1"));
        assertNull(ReplyChannel.of("aeron:udp?control=10.0.0.5:4000", "10.0.0.5:1"), "no endpoint");
        assertNull(ReplyChannel.of("not a channel", "10.0.0.5:1"));
        assertEquals("aeron:udp?endpoint=[::1]:4000", ReplyChannel.of("aeron:udp?endpoint=[::1]:4000", "[::1]:5000"));
    }
}
