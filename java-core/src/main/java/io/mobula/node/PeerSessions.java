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
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        send(address, payload, (bytes, failure) -> {
            if (failure == null) {
                answer.complete(bytes);
            } else {
                answer.completeExceptionally(failure);
            }
        });
        return answer;
    }

    /**
     * Sends {@code payload} to the node at {@code address}; {@code listener} hears the answer on the
     * session's reader thread (so it must be quick and must not block), or the failure. Payloads sent
     * one after another from one thread to one node arrive in that order.
     */
    void send(String address, byte[] payload, AuthClient.ResponseListener listener) {
        CompletableFuture<AuthClient> session = sessions.computeIfAbsent(address, a -> CompletableFuture.supplyAsync(
            () -> AuthClient.connect(transport.aeron(), a, NodeDaemon.STREAM, secret, CONNECT_TIMEOUT), connector));
        AuthClient.ResponseListener dropOnFailure = (bytes, failure) -> {
            if (failure != null) {
                sessions.remove(address, session); // the next send tries a fresh session
            }
            listener.onResponse(bytes, failure);
        };
        AuthClient client = session.isDone() && !session.isCompletedExceptionally() ? session.join() : null;
        if (client != null) {
            client.submit(payload, SEND_TIMEOUT, dropOnFailure); // the usual case: no future to chain through
            return;
        }
        session.whenComplete((connected, error) -> {
            if (error != null) {
                dropOnFailure.onResponse(null, error instanceof java.util.concurrent.CompletionException ? error.getCause() : error);
            } else {
                connected.submit(payload, SEND_TIMEOUT, dropOnFailure);
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
