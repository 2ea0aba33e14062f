package io.mobula.node;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

import io.aeron.Aeron;
import io.mobula.transport.AeronChannels;
import io.mobula.transport.AuthClient;
import io.mobula.transport.ClusterSecret;
import io.mobula.transport.EmbeddedTransport;

/**
 * One authenticated, pipelined session per node this process sends work to, opened on first use
 * (on a thread of its own: a connect waits for the handshake, and the caller may be the thread
 * that serves this node's requests) and kept. A node this host's state directory records as
 * running here is reached over Aeron IPC through its own media driver; any other over UDP. A
 * session that fails is dropped, so the next send connects again.
 */
final class PeerSessions implements AutoCloseable {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    private final EmbeddedTransport transport;
    private final ClusterSecret secret;
    private final StateDirectory host;
    /** Aeron clients of local nodes' media drivers, by directory: how IPC sessions reach them. */
    private final Map<String, Aeron> localDrivers = new ConcurrentHashMap<>();
    /** The addresses whose sessions run over IPC. */
    private final java.util.Set<String> overIpc = ConcurrentHashMap.newKeySet();
    private final Map<String, CompletableFuture<AuthClient>> sessions = new ConcurrentHashMap<>();
    private final ExecutorService connector = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "mobula-peer-connect");
        t.setDaemon(true);
        return t;
    });

    PeerSessions(EmbeddedTransport transport, ClusterSecret secret, StateDirectory host) {
        this.transport = transport;
        this.secret = secret;
        this.host = host;
    }

    /** Sends {@code payload} to the node at {@code address}; completes with its answer. */
    CompletableFuture<byte[]> send(String address, byte[] payload) {
        CompletableFuture<AuthClient> session = sessions.computeIfAbsent(address, a -> CompletableFuture.supplyAsync(
            () -> connect(a), connector));
        return session.thenCompose(client -> client.submit(payload, SEND_TIMEOUT)).whenComplete((answer, error) -> {
            if (error != null) {
                sessions.remove(address, session); // the next send tries a fresh session
            }
        });
    }

    /** Over IPC to a node running on this host (its media driver is there to join), else over UDP. */
    private AuthClient connect(String address) {
        String local = localDirectory(address);
        if (local != null) {
            try {
                Aeron aeron = localDrivers.computeIfAbsent(local, dir -> Aeron.connect(new Aeron.Context().aeronDirectoryName(dir)));
                int replyStream = 1 + ThreadLocalRandom.current().nextInt(Integer.MAX_VALUE - 1);
                AuthClient client = new AuthClient(aeron, AeronChannels.IPC, NodeDaemon.STREAM, AeronChannels.IPC, replyStream,
                    secret, CONNECT_TIMEOUT);
                overIpc.add(address);
                return client;
            } catch (RuntimeException e) {
                // its driver went away or will not take us: the network way still works
            }
        }
        return AuthClient.connect(transport.aeron(), address, NodeDaemon.STREAM, secret, CONNECT_TIMEOUT);
    }

    /** Whether the session to {@code address} (once open) runs over IPC. */
    boolean overIpc(String address) {
        return overIpc.contains(address);
    }

    /** The media driver directory of the live node this host records at {@code address}, or null. */
    private String localDirectory(String address) {
        if (host == null) {
            return null;
        }
        for (NodeRecord node : host.nodes()) {
            if (node.address().equals(address) && !node.aeronDirectory().isEmpty() && node.alive()
                && java.nio.file.Files.isDirectory(java.nio.file.Path.of(node.aeronDirectory()))) {
                return node.aeronDirectory();
            }
        }
        return null;
    }

    @Override
    public void close() {
        connector.shutdownNow();
        for (CompletableFuture<AuthClient> session : sessions.values()) {
            session.thenAccept(AuthClient::close);
        }
        sessions.clear();
        localDrivers.values().forEach(Aeron::close);
        localDrivers.clear();
    }
}
