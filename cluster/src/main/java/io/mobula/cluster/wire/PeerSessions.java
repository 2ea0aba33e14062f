package io.mobula.cluster.wire;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
import io.mobula.cluster.host.StateDirectory;
import io.mobula.cluster.host.NodeRecord;

/**
 * One authenticated, pipelined session per node this process sends work to, opened on first use
 * (on a thread of its own: a connect waits for the handshake, and the caller may be the thread
 * that serves this node's requests) and kept. A node this host's state directory records as
 * running here is reached over Aeron IPC through its own media driver; any other over UDP. A
 * session that fails is dropped, so the next send connects again.
 */
public final class PeerSessions implements AutoCloseable {
    /** The stream every node serves requests on (over UDP and IPC), which a session opens. */
    public static final int STREAM = 1001;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    private final EmbeddedTransport transport;
    private final ClusterSecret secret;
    private final StateDirectory host;
    /** Aeron clients of local nodes' media drivers, by directory: how IPC sessions reach them. */
    private final Map<String, Aeron> localDrivers = new ConcurrentHashMap<>();
    /** The addresses whose sessions run over IPC. */
    private final java.util.Set<String> overIpc = ConcurrentHashMap.newKeySet();
    /** The media driver each IPC session runs through, by address. */
    private final Map<String, String> ipcDirectories = new ConcurrentHashMap<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final ExecutorService connector = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "mobula-peer-connect");
        t.setDaemon(true);
        return t;
    });

    public PeerSessions(EmbeddedTransport transport, ClusterSecret secret, StateDirectory host) {
        this.transport = transport;
        this.secret = secret;
        this.host = host;
    }

    /** Sends {@code payload} to the node at {@code address}; completes with its answer. */
    public CompletableFuture<byte[]> send(String address, byte[] payload) {
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
     * one after another from one thread to one node arrive in that order, also those sent while the
     * session is still connecting (they wait in a list, in order, and never block the sender).
     */
    public void send(String address, byte[] payload, AuthClient.ResponseListener listener) {
        Session session = sessions.computeIfAbsent(address, this::connect);
        AuthClient.ResponseListener dropOnFailure = (bytes, failure) -> {
            if (failure != null) {
                sessions.remove(address, session); // the next send tries a fresh session
            }
            listener.onResponse(bytes, failure);
        };
        if (!session.flushed) {
            synchronized (session) {
                if (!session.flushed) {
                    session.waiting.add(() -> session.submit(payload, dropOnFailure));
                    return;
                }
            }
        }
        session.submit(payload, dropOnFailure); // the usual case: connected, nothing waiting
    }

    private Session connect(String address) {
        Session session = new Session(CompletableFuture.supplyAsync(() -> client(address), connector));
        session.client.whenComplete((client, error) -> session.flush());
        return session;
    }

    /** Over IPC to a node running on this host (its media driver is there to join), else over UDP. */
    private AuthClient client(String address) {
        String local = localDirectory(address);
        if (local != null) {
            try {
                Aeron aeron = localDrivers.computeIfAbsent(local, dir -> Aeron.connect(new Aeron.Context()
                    .aeronDirectoryName(dir).errorHandler(error -> localDriverFailed(dir, error))));
                int replyStream = 1 + ThreadLocalRandom.current().nextInt(Integer.MAX_VALUE - 1);
                AuthClient client = new AuthClient(aeron, AeronChannels.IPC, STREAM, AeronChannels.IPC, replyStream,
                    secret, CONNECT_TIMEOUT);
                overIpc.add(address);
                ipcDirectories.put(address, local);
                return client;
            } catch (RuntimeException e) {
                // its driver went away or will not take us: the network way still works
            }
        }
        return AuthClient.connect(transport.aeron(), address, STREAM, secret, CONNECT_TIMEOUT);
    }

    /** Asks for one piece of something large: the request for {@code length} bytes at {@code offset}. */
    public interface PieceRequest {
        byte[] at(long offset, int length);
    }

    /** Takes one piece as it arrives. */
    public interface PieceSink {
        void accept(long offset, byte[] piece) throws IOException;
    }

    /**
     * Reads {@code size} bytes from the node at {@code address} in pieces of at most
     * {@code pieceBytes}, one request after another (an empty thing takes one request): each answer
     * is decoded and handed to {@code sink}. Completes once the last piece is in.
     */
    public CompletableFuture<Void> readInPieces(String address, long size, int pieceBytes, PieceRequest request, PieceSink sink,
                                         String what) {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (long offset = 0; offset < size || offset == 0; offset += pieceBytes) {
            long at = offset;
            int length = (int) Math.min(pieceBytes, size - at);
            chain = chain.thenCompose(v -> send(address, request.at(at, length))).thenAccept(answer -> {
                try {
                    sink.accept(at, (byte[]) RemoteCall.decodeAnswer(answer, what));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return chain;
    }

    /**
     * A local node's media driver failed (its process died: the client times out on it). Aeron's
     * default would end this process; instead the sessions through it fail what they have in flight
     * and are dropped, so the next send to that address connects anew (and fails clearly if the
     * node is gone).
     */
    private void localDriverFailed(String directory, Throwable error) {
        String name = error.getClass().getSimpleName();
        if (!name.contains("Timeout") && !(error instanceof io.aeron.exceptions.AeronException)) {
            return; // not the driver's end: nothing to drop
        }
        Aeron aeron = localDrivers.remove(directory);
        for (Map.Entry<String, String> ipc : ipcDirectories.entrySet()) {
            if (ipc.getValue().equals(directory)) {
                ipcDirectories.remove(ipc.getKey());
                overIpc.remove(ipc.getKey());
                Session session = sessions.remove(ipc.getKey());
                if (session != null) {
                    session.client.thenAccept(AuthClient::serverGone);
                }
            }
        }
        if (aeron != null) {
            connector.execute(() -> org.agrona.CloseHelper.quietClose(aeron)); // not on its own conductor's thread
        }
    }

    /**
     * The node at {@code address} was declared dead: what is in flight to it fails now with
     * {@code reason}, and its session is dropped (a node that comes back there gets a fresh one).
     */
    public void declareDead(String address, RuntimeException reason) {
        Session session = sessions.remove(address);
        if (session != null) {
            session.client.thenAccept(client -> {
                client.serverGone(reason);
                connector.execute(client::close);
            });
        }
    }

    /** Whether the session to {@code address} (once open) runs over IPC. */
    public boolean overIpc(String address) {
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

    /** One node's session: its connection, and the sends made before it was up, in order. */
    private static final class Session {
        final CompletableFuture<AuthClient> client;
        /** Sends made while connecting; guarded by this, run in order once connected (or failed). */
        final List<Runnable> waiting = new ArrayList<>();
        /** Set, under the lock, once the waiting sends have gone: later sends go at once. */
        volatile boolean flushed;

        Session(CompletableFuture<AuthClient> client) {
            this.client = client;
        }

        synchronized void flush() {
            for (Runnable send : waiting) {
                send.run();
            }
            waiting.clear();
            flushed = true;
        }

        /** Sends on the connected client, or tells the listener why there is none. */
        void submit(byte[] payload, AuthClient.ResponseListener listener) {
            AuthClient connected;
            try {
                connected = client.join();
            } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
                listener.onResponse(null, e.getCause() != null ? e.getCause() : e);
                return;
            }
            connected.submit(payload, SEND_TIMEOUT, listener);
        }
    }

    @Override
    public void close() {
        connector.shutdownNow();
        for (Session session : sessions.values()) {
            session.client.thenAccept(AuthClient::close);
        }
        sessions.clear();
        localDrivers.values().forEach(Aeron::close);
        localDrivers.clear();
    }
}
