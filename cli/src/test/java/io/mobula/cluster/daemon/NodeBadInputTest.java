package io.mobula.cluster.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.aeron.Publication;
import io.mobula.Mobula;
import io.mobula.TaskException;
import io.mobula.cli.TemporaryHead;
import io.mobula.transport.AeronChannels;
import io.mobula.transport.AuthClient;
import io.mobula.transport.AuthenticationException;
import io.mobula.transport.ClusterSecret;
import io.mobula.transport.EmbeddedTransport;
import io.mobula.cluster.host.StateDirectory;
import io.mobula.cluster.wire.NodeStatus;
import io.mobula.cluster.wire.PeerSessions;
import io.mobula.cluster.wire.RemoteCall;
import io.mobula.cluster.jobs.JobClassPaths;
import io.mobula.cluster.wire.GroupMessages;
import io.mobula.cluster.wire.JobMessages;
import io.mobula.cluster.wire.LendMessages;
import io.mobula.cluster.wire.NameMessages;
import io.mobula.cluster.wire.ObjectMessages;

/**
 * A node daemon under bad input at its port: random datagrams, junk and truncated messages on its
 * stream, a client with the wrong secret, and malformed work from a client that holds the secret.
 * None of it runs anything or stops the node, which goes on serving a driver.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NodeBadInputTest {
    @TempDir
    Path home;
    private TemporaryHead head;
    private int port;

    static int twice(int x) {
        return 2 * x;
    }

    @BeforeEach
    void startAHead() {
        head = TemporaryHead.start(home, "{\"CPU\":2}");
        port = head.port();
    }

    @AfterEach
    void stopIt() {
        head.close();
    }

    @Test
    void junkWrongSecretsAndMalformedWorkChangeNothing() throws Exception {
        String address = "127.0.0.1:" + port;
        Random random = new Random(42);
        // raw datagrams, none of them Aeron frames, and short ones that are cut-off frame headers
        try (DatagramSocket socket = new DatagramSocket()) {
            for (int i = 0; i < 500; i++) {
                byte[] junk = new byte[1 + random.nextInt(i % 2 == 0 ? 31 : 1400)];
                random.nextBytes(junk);
                socket.send(new DatagramPacket(junk, junk.length, InetAddress.getLoopbackAddress(), port));
            }
        }
        try (EmbeddedTransport transport = new EmbeddedTransport()) {
            // well-formed Aeron, but junk and truncated messages on the node's stream: no session, dropped
            try (Publication publication = transport.aeron().addPublication(AeronChannels.udp("127.0.0.1", port), NodeDaemon.STREAM)) {
                long deadline = System.currentTimeMillis() + 5000;
                while (!publication.isConnected() && System.currentTimeMillis() < deadline) {
                    Thread.sleep(10);
                }
                for (int i = 0; i < 200; i++) {
                    byte[] junk = new byte[1 + random.nextInt(i % 2 == 0 ? 7 : 512)];
                    random.nextBytes(junk);
                    while (publication.offer(new UnsafeBuffer(junk)) == Publication.BACK_PRESSURED) {
                        Thread.onSpinWait();
                    }
                }
            }
            // the wrong secret: refused at the handshake
            assertThrows(AuthenticationException.class, () -> AuthClient.connect(transport.aeron(), address, NodeDaemon.STREAM,
                ClusterSecret.generate(), Duration.ofSeconds(5)));

            // the right secret, malformed work: answered with what is wrong, never run
            ClusterSecret secret = new StateDirectory(home).secret(false);
            try (AuthClient client = AuthClient.connect(transport.aeron(), address, NodeDaemon.STREAM, secret, Duration.ofSeconds(10))) {
                // calls, jobs, placement groups, names, objects, lends: each cut short past its header, and a byte
                // after its end (shorter than a header, a payload is read as a text command, below)
                io.mobula.store.ObjectId id = new io.mobula.store.ObjectId(1, 2);
                List<byte[]> messages = List.of(RemoteCall.encode(RemoteCall.task("", "a.B", "f", "()I", Map.of("CPU", 1.0),
                        io.mobula.SchedulingStrategy.nodeAffinity("n", true), false, new Object[] {1}, RemoteCall.CODEC)),
                    RemoteCall.actorKill(7), JobMessages.job("j", "", List.of(new JobClassPaths.Jar("ab", 3))),
                    JobMessages.jarPiece("ab", 3, 0, new byte[] {1, 2, 3}), JobMessages.jarRead("ab", 0, 3),
                    GroupMessages.create("g", io.mobula.PlacementStrategy.PACK, List.of(Map.of("CPU", 1.0))),
                    GroupMessages.nodes("g", 1), GroupMessages.reserve("g", 0, Map.of("CPU", 1.0), 1), NameMessages.claim("n", "ns"),
                    NameMessages.placed("n", "ns", "p", "c"), ObjectMessages.read(id, 0, 1), ObjectMessages.release(id),
                    ObjectMessages.write(id, 1, 1, 0, new byte[] {1}), LendMessages.deposit(id, "o", null),
                    LendMessages.ready(id, "o", new byte[] {0}), LendMessages.read(id, "n"));
                for (byte[] message : messages) {
                    for (int length = io.mobula.transport.WireInput.HEADER_LENGTH; length <= message.length; length++) {
                        byte[] cut = Arrays.copyOf(message, length == message.length ? length + 1 : length);
                        String answer = failureOf(client.request(cut, Duration.ofSeconds(10)));
                        assertTrue(answer.contains("malformed"), length + " of " + message.length + ": " + answer);
                    }
                }
                byte[] unknownClass = RemoteCall.encode(RemoteCall.task("", "no.such.Tasks", "run", "()I", null,
                    io.mobula.SchedulingStrategy.defaultStrategy(), false, new Object[0], RemoteCall.CODEC));
                assertTrue(failureOf(client.request(unknownClass, Duration.ofSeconds(10))).contains("not on this node's class path"));
                byte[] unknownJob = RemoteCall.encode(RemoteCall.task("feedface", NodeBadInputTest.class.getName(), "twice",
                    "(I)I", null, io.mobula.SchedulingStrategy.defaultStrategy(), false, new Object[] {1}, RemoteCall.CODEC));
                assertTrue(failureOf(client.request(unknownJob, Duration.ofSeconds(10))).contains("job feedface is not known"));
                // text, or anything else not of the schema: refused, never read as a command
                String text = failureOf(client.request("no-such-command 1".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10)));
                assertTrue(text.contains("malformed"), text);
            }
        }
        // a process on the node's host reaches it over IPC, through the node's own media driver
        try (EmbeddedTransport transport = new EmbeddedTransport();
             PeerSessions sessions = new PeerSessions(transport, new StateDirectory(home).secret(false), new StateDirectory(home))) {
            NodeStatus status = NodeStatus.decodeAll(sessions.send(address, NodeStatus.request()).get(20, TimeUnit.SECONDS))
                .getFirst();
            assertEquals(address, status.get("address"), status.toString());
            assertTrue(Long.parseLong(status.get("wire.errors")) > 0, "the malformed messages above were counted: " + status);
            assertTrue(sessions.overIpc(address), "on the same host, the session runs over IPC");
        }
        // and the node serves a driver as before
        try (Mobula driver = Mobula.init(address)) {
            assertEquals(42, driver.task(NodeBadInputTest::twice, 21).remote().get());
        }
    }

    /** The message of a failure answer. */
    private static String failureOf(byte[] answer) {
        try {
            RemoteCall.decodeAnswer(answer, "bad input");
            throw new AssertionError("bad input was answered as a success");
        } catch (TaskException e) {
            return e.remoteMessage();
        } catch (io.mobula.MobulaException e) {
            return e.getMessage();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
