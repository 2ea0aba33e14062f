package io.mobula.cluster.objects;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.aeron.Aeron;
import io.mobula.transport.AuthClient;
import io.mobula.transport.ClusterSecret;

/**
 * This node's authenticated sessions with other nodes' object servers, one per node, joined on
 * first use and shared by every pull (requests are pipelined on it). Answers come back to this
 * node's own endpoint, each session on a stream of its own, so a node in another network namespace
 * or host can answer: nothing is sent to a loopback address it cannot reach.
 * <p>
 * A session that fails (no answer in time, the node went away) is dropped and joined afresh next
 * time.
 */
final class NodeConnections implements AutoCloseable {
    /** A request that did not get an answer; the message names the node and why. */
    static final class NodeRequestException extends Exception {
        NodeRequestException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Aeron aeron;
    private final String receivingChannel;
    private final ClusterSecret secret;
    private final long timeoutNs;
    private final AtomicInteger nextReplyStream = new AtomicInteger(ObjectChannels.REPLY_STREAM_BASE);
    private final Map<String, CompletableFuture<AuthClient>> sessions = new ConcurrentHashMap<>();
    private volatile boolean closed;

    NodeConnections(Aeron aeron, String receivingChannel, ClusterSecret secret, long timeoutNs) {
        this.aeron = aeron;
        this.receivingChannel = receivingChannel;
        this.secret = secret;
        this.timeoutNs = timeoutNs;
    }

    /**
     * Sends {@code payload} to the object server at {@code address} and waits for its answer.
     *
     * @throws NodeRequestException if the node cannot be joined (its cause is then the transport's
     *                              {@code AuthenticationException}) or does not answer in time.
     */
    byte[] request(String address, byte[] payload) throws NodeRequestException {
        AuthClient session = session(address);
        try {
            return session.submit(payload, Duration.ofNanos(timeoutNs)).get(timeoutNs, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            drop(address);
            throw new NodeRequestException("node " + address + " did not answer within " + TimeUnit.NANOSECONDS.toMillis(timeoutNs)
                + " ms", e);
        } catch (ExecutionException e) {
            drop(address);
            throw new NodeRequestException("node " + address + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeRequestException("interrupted while asking node " + address, e);
        }
    }

    /** Sends {@code payload} without waiting for the answer (a notice the sender may miss). */
    void tell(String address, byte[] payload) {
        CompletableFuture<AuthClient> session = sessions.get(address);
        if (session != null && session.isDone() && !session.isCompletedExceptionally()) {
            session.join().submit(payload, Duration.ofNanos(timeoutNs));
        }
    }

    private AuthClient session(String address) throws NodeRequestException {
        if (closed) {
            throw new NodeRequestException("the object manager is closed", null);
        }
        CompletableFuture<AuthClient> mine = new CompletableFuture<>();
        CompletableFuture<AuthClient> session = sessions.putIfAbsent(address, mine);
        if (session == null) {
            session = mine;
            try {
                AuthClient client = new AuthClient(aeron, ObjectChannels.requests(address), ObjectChannels.REQUEST_STREAM,
                    receivingChannel, nextReplyStream.getAndIncrement(), secret, Duration.ofNanos(timeoutNs));
                if (!mine.complete(client)) {
                    client.close(); // its node was declared dead while this joined it
                }
            } catch (RuntimeException e) {
                sessions.remove(address, mine);
                mine.completeExceptionally(e);
            }
            if (closed) {
                drop(address);
            }
        }
        try {
            return session.get(2 * timeoutNs, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new NodeRequestException("could not join node " + address + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new NodeRequestException("joining node " + address + " took longer than "
                + TimeUnit.NANOSECONDS.toMillis(2 * timeoutNs) + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeRequestException("interrupted while joining node " + address, e);
        }
    }

    /**
     * The node at {@code address} died: requests waiting on it, and callers waiting to join it,
     * fail now instead of at their timeouts.
     */
    void nodeDied(String address) {
        CompletableFuture<AuthClient> session = sessions.remove(address);
        if (session != null && session.completeExceptionally(
            new io.mobula.transport.ServerGoneException("node " + address + " was declared dead"))) {
            return; // it was still being joined: those waiting for it stop waiting
        }
        if (session != null && !session.isCompletedExceptionally()) {
            AuthClient client = session.join();
            client.serverGone(new io.mobula.transport.ServerGoneException("node " + address + " was declared dead"));
            Thread.ofPlatform().daemon().name("mobula-object-session-close").start(client::close); // not on the caller's thread: it joins a reader
        }
    }

    private void drop(String address) {
        CompletableFuture<AuthClient> session = sessions.remove(address);
        if (session != null && session.isDone() && !session.isCompletedExceptionally()) {
            session.join().close();
        }
    }

    @Override
    public void close() {
        closed = true;
        sessions.keySet().forEach(this::drop);
    }
}
