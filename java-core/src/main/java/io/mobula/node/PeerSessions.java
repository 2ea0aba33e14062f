package io.mobula.node;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.mobula.transport.AuthClient;
import io.mobula.transport.ClusterSecret;
import io.mobula.transport.EmbeddedTransport;

/**
 * One authenticated, pipelined session per node this process sends work to, opened on first use
 * (on a thread of its own: a connect waits for the handshake, and the caller may be the thread
 * that serves this node's requests) and kept. A session that fails is dropped, so the next send
 * connects again.
 */
final class PeerSessions implements AutoCloseable {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    private final EmbeddedTransport transport;
    private final ClusterSecret secret;
    private final Map<String, CompletableFuture<AuthClient>> sessions = new ConcurrentHashMap<>();
    private final ExecutorService connector = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "mobula-peer-connect");
        t.setDaemon(true);
        return t;
    });

    PeerSessions(EmbeddedTransport transport, ClusterSecret secret) {
        this.transport = transport;
        this.secret = secret;
    }

    /** Sends {@code payload} to the node at {@code address}; completes with its answer. */
    CompletableFuture<byte[]> send(String address, byte[] payload) {
        CompletableFuture<AuthClient> session = sessions.computeIfAbsent(address, a -> CompletableFuture.supplyAsync(
            () -> AuthClient.connect(transport.aeron(), a, NodeDaemon.STREAM, secret, CONNECT_TIMEOUT), connector));
        return session.thenCompose(client -> client.submit(payload, SEND_TIMEOUT)).whenComplete((answer, error) -> {
            if (error != null) {
                sessions.remove(address, session); // the next send tries a fresh session
            }
        });
    }

    @Override
    public void close() {
        connector.shutdownNow();
        for (CompletableFuture<AuthClient> session : sessions.values()) {
            session.thenAccept(AuthClient::close);
        }
        sessions.clear();
    }
}
