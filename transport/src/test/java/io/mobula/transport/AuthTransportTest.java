package io.mobula.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.aeron.ExclusivePublication;
import io.mobula.transport.codec.MessageHeaderEncoder;
import io.mobula.transport.codec.RequestEncoder;

/** The authenticated wire, over Aeron IPC and UDP on loopback, against good and bad peers. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuthTransportTest {
    private static final int SERVER_STREAM = 1001;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final ClusterSecret secret = ClusterSecret.generate();
    private final AtomicInteger handled = new AtomicInteger();
    private EmbeddedTransport transport;
    private AuthServer server;

    /** Echoes the payload reversed, counting what it executes. */
    private byte[] reverse(long session, byte[] payload) {
        handled.incrementAndGet();
        byte[] out = new byte[payload.length];
        for (int i = 0; i < payload.length; i++) {
            out[i] = payload[payload.length - 1 - i];
        }
        return out;
    }

    @BeforeEach
    void start() {
        transport = new EmbeddedTransport();
        server = new AuthServer(transport.aeron(), AeronChannels.IPC, SERVER_STREAM, secret, this::reverse).start();
    }

    @AfterEach
    void stop() {
        server.close();
        transport.close();
    }

    private AuthClient client(ClusterSecret with, int replyStream) {
        return new AuthClient(transport.aeron(), AeronChannels.IPC, SERVER_STREAM, AeronChannels.IPC, replyStream, with, TIMEOUT);
    }

    private static void await(LongSupplier count, long atLeast) throws InterruptedException {
        await(count, atLeast, 10);
    }

    /**
     * Polls a server's counter until it reaches {@code atLeast} or {@code seconds} pass: the counts
     * are bumped on the server's thread, with no event to wait on.
     */
    static void await(LongSupplier count, long atLeast, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (count.getAsLong() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(count.getAsLong() >= atLeast, "count reached " + count.getAsLong() + ", wanted " + atLeast);
    }

    @Test
    void aClientWithTheSecretJoinsAndIsServed() {
        try (AuthClient client = client(secret, 2001)) {
            assertArrayEquals(new byte[] {3, 2, 1}, client.request(new byte[] {1, 2, 3}, TIMEOUT));
            byte[] large = new byte[1 << 20]; // larger than a frame: reassembled on both sides
            new Random(1).nextBytes(large);
            byte[] back = client.request(large, TIMEOUT);
            assertEquals(large.length, back.length);
            assertEquals(large[0], back[back.length - 1]);
        }
        assertEquals(2, server.servedCount());
    }

    @Test
    void answersWrittenByManyThreadsAtOnceEachReachTheirRequest() throws Exception {
        java.util.concurrent.ExecutorService answerers = java.util.concurrent.Executors.newFixedThreadPool(4);
        Random delays = new Random(3);
        try (AuthServer async = new AuthServer(transport.aeron(), AeronChannels.IPC, SERVER_STREAM + 1, secret,
            (AuthServer.AsyncRequestHandler) (session, payload, reply) -> {
                int delayUs;
                synchronized (delays) {
                    delayUs = delays.nextInt(200);
                }
                answerers.execute(() -> { // answered later, on another thread, in any order
                    java.util.concurrent.locks.LockSupport.parkNanos(delayUs * 1_000L);
                    reply.send(reverse(session, payload));
                });
            }).start();
             AuthClient client = new AuthClient(transport.aeron(), AeronChannels.IPC, SERVER_STREAM + 1, AeronChannels.IPC, 2010,
                 secret, TIMEOUT)) {
            int n = 2_000;
            java.util.List<java.util.concurrent.CompletableFuture<byte[]>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                // every 100th request and answer is larger than a frame: offered whole, not claimed
                byte[] payload = new byte[i % 100 == 0 ? 20_000 : 8];
                java.nio.ByteBuffer.wrap(payload).putInt(0, i);
                answers.add(client.submit(payload, TIMEOUT));
            }
            for (int i = 0; i < n; i++) {
                byte[] back = answers.get(i).get(10, TimeUnit.SECONDS);
                assertEquals(i % 100 == 0 ? 20_000 : 8, back.length);
                assertEquals(i, Integer.reverseBytes(java.nio.ByteBuffer.wrap(back).getInt(back.length - 4)), "answer " + i);
            }
            assertEquals(n, async.servedCount());
        } finally {
            answerers.shutdownNow();
        }
    }

    @Test
    void aClientWithoutTheSecretCanNeitherJoinNorSubmit() {
        AuthenticationException refused = assertThrows(AuthenticationException.class,
            () -> client(ClusterSecret.generate(), 2002));
        assertTrue(refused.getMessage().contains("does not hold the cluster secret"), refused.getMessage());
        assertEquals(1, server.rejectedCount());
        assertEquals(0, handled.get(), "nothing was executed for it");
    }

    @Test
    void garbageAndForgedRequestsAreDroppedAndCountedAndOthersAreStillServed() throws Exception {
        try (AuthClient honest = client(secret, 2003);
             ExclusivePublication attacker = transport.aeron().addExclusivePublication(AeronChannels.IPC, SERVER_STREAM)) {
            UnsafeBuffer junk = new UnsafeBuffer(new byte[64]);
            Random random = new Random(7);
            for (int i = 0; i < 20; i++) {
                byte[] bytes = new byte[1 + random.nextInt(63)];
                random.nextBytes(bytes);
                junk.putBytes(0, bytes);
                assertTrue(Messages.offer(attacker, junk, bytes.length, TimeUnit.SECONDS.toNanos(5)));
            }
            // a truncated request: a valid header that promises more than the frame holds
            ExpandableArrayBuffer frame = new ExpandableArrayBuffer();
            RequestEncoder truncated = new RequestEncoder().wrapAndApplyHeader(frame, 0, new MessageHeaderEncoder());
            truncated.sessionId(honest.sessionId()).correlationId(1).putPayload(new byte[100], 0, 100);
            assertTrue(Messages.offer(attacker, frame, MessageHeaderEncoder.ENCODED_LENGTH + 20, TimeUnit.SECONDS.toNanos(5)));
            // a well-formed request with the honest client's session id, from another publication
            RequestEncoder forged = new RequestEncoder().wrapAndApplyHeader(frame, 0, new MessageHeaderEncoder());
            forged.sessionId(honest.sessionId()).correlationId(2).putPayload(new byte[] {9}, 0, 1);
            assertTrue(Messages.offer(attacker, frame, MessageHeaderEncoder.ENCODED_LENGTH + forged.encodedLength(),
                TimeUnit.SECONDS.toNanos(5)));

            await(server::unauthenticatedCount, 1);
            await(server::malformedCount, 15);
            assertEquals(0, handled.get(), "no junk, truncated or forged request was executed");
            assertArrayEquals(new byte[] {5, 4}, honest.request(new byte[] {4, 5}, TIMEOUT), "the server still serves");
        }
    }

    @Test
    void overUdpOnLoopback() throws Exception {
        int serverPort;
        int replyPort;
        try (DatagramSocket a = new DatagramSocket(0); DatagramSocket b = new DatagramSocket(0)) {
            serverPort = a.getLocalPort();
            replyPort = b.getLocalPort();
        }
        String serverChannel = AeronChannels.udp("127.0.0.1", serverPort);
        try (AuthServer udpServer = new AuthServer(transport.aeron(), serverChannel, SERVER_STREAM, secret, this::reverse).start();
             AuthClient client = new AuthClient(transport.aeron(), serverChannel, SERVER_STREAM,
                 AeronChannels.udp("127.0.0.1", replyPort), 2004, secret, TIMEOUT)) {
            assertArrayEquals(new byte[] {2, 1}, client.request(new byte[] {1, 2}, TIMEOUT));
        }
    }

    @Test
    void theSecretFileIsTheOwnersAlone(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cluster.secret");
        secret.writeTo(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        ClusterSecret read = ClusterSecret.readFrom(file);
        assertArrayEquals(secret.mac(new byte[] {1}), read.mac(new byte[] {1}));
        assertThrows(java.io.UncheckedIOException.class, () -> secret.writeTo(file), "never overwritten");
        for (String open : new String[] {"rw-r--r--", "rw--w----", "rw-----w-", "rw----r--"}) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(open));
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> ClusterSecret.readFrom(file), open);
            assertTrue(refused.getMessage().contains("chmod 600"), refused.getMessage());
        }
        assertEquals("ClusterSecret[hidden]", secret.toString());
    }

    /** Other local users can neither read nor write a node's streams: the driver's folder is not reachable to them. */
    @Test
    void theTransportsFolderIsTheOwnersAlone() throws Exception {
        Path driverDir;
        try (EmbeddedTransport transport = new EmbeddedTransport()) {
            driverDir = Path.of(transport.directory());
            assertTrue(Files.exists(driverDir.resolve("cnc.dat")), "the driver's control file");
            Path home = driverDir.getParent();
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home)),
                "the folder holding the driver's: only its owner may enter it");
        }
        assertFalse(Files.exists(driverDir.getParent()), "removed at close");
    }
}
