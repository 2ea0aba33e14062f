package io.mobula.cluster.membership;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import io.mobula.transport.AuthClient;
import io.mobula.transport.ClusterSecret;
import io.mobula.transport.EmbeddedTransport;
import io.mobula.cluster.control.ControlCommands;
import io.mobula.cluster.control.ControlService;
import io.mobula.cluster.wire.NodeStatus;
import io.mobula.cluster.wire.PeerSessions;

/**
 * A node's side of membership: it joins the head (proving the cluster secret), reports its status
 * every second as a heartbeat, and leaves when it stops. If the head answers {@code fenced} (it
 * declared this node dead, say while the network cut it off), the node drops what it held for
 * others and joins again. If the head stops answering (it died, or
 * restarted and no longer knows this session), the node connects to it anew and joins again on
 * each beat until it is back: a restarted head, its tables reloaded, hears from every node within
 * a beat or two of coming up.
 */
public final class Membership implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Short: a beat or a leave that cannot reach the head must not hold up the node (or its stop). */
    private static final Duration BEAT_TIMEOUT = Duration.ofSeconds(2);
    private static final long HEARTBEAT_MS = 1000;
    /** Beats missed in a row before the node connects to the head anew. */
    private static final int MISSES_BEFORE_RECONNECT = 2;

    private final EmbeddedTransport transport;
    private final String headAddress;
    private final ClusterSecret secret;
    /** This node's id; a new one after it was fenced. Guarded by this. */
    private long nodeId;
    private final Supplier<NodeStatus> status;
    private final ClusterView view;
    /** Run when the head says this node was declared dead (fenced): drops what is stale; the id it joins again under. */
    private final java.util.function.LongSupplier onFenced;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mobula-heartbeat");
        t.setDaemon(true);
        return t;
    });
    /** The session to the head; replaced when the head comes back. Guarded by this. */
    private AuthClient head;
    /** Heartbeat thread only. */
    private int missed;

    private Membership(EmbeddedTransport transport, String headAddress, ClusterSecret secret, AuthClient head, long nodeId,
                       Supplier<NodeStatus> status, ClusterView view, java.util.function.LongSupplier onFenced) {
        this.onFenced = onFenced;
        this.transport = transport;
        this.headAddress = headAddress;
        this.secret = secret;
        this.head = head;
        this.nodeId = nodeId;
        this.status = status;
        this.view = view;
    }

    /**
     * Joins the head; every heartbeat then refreshes {@code view} with the cluster as the head knows
     * it. {@code onFenced} runs when the head answers that it declared this node dead.
     */
    public static Membership join(EmbeddedTransport transport, String headAddress, ClusterSecret secret, long nodeId,
                           Supplier<NodeStatus> status, ClusterView view, java.util.function.LongSupplier onFenced)
        throws Exception {
        AuthClient client = AuthClient.connect(transport.aeron(), headAddress, PeerSessions.STREAM, secret, TIMEOUT);
        Membership membership = new Membership(transport, headAddress, secret, client, nodeId, status, view, onFenced);
        String answer = membership.send(ControlService.Command.JOIN, TIMEOUT);
        if (!answer.equals("ok")) {
            client.close();
            throw new IllegalStateException("the head refused this node: " + answer);
        }
        membership.refreshView();
        membership.timer.scheduleAtFixedRate(membership::heartbeat, HEARTBEAT_MS, HEARTBEAT_MS, TimeUnit.MILLISECONDS);
        return membership;
    }

    private synchronized String send(String verb, Duration timeout) {
        ControlService.Command command = new ControlService.Command(verb, nodeId, status.get().fields());
        try {
            return ControlCommands.readAnswer(head.request(ControlCommands.encode(command), timeout));
        } catch (io.mobula.transport.MalformedMessageException e) {
            return "error " + e.getMessage(); // a head of another build: refused as an error answer is
        }
    }

    private void heartbeat() {
        try {
            if (missed >= MISSES_BEFORE_RECONNECT) {
                reconnect();
            }
            if (send(ControlService.Command.HEARTBEAT, BEAT_TIMEOUT).equals("fenced")) {
                long renewed = onFenced.getAsLong(); // declared dead while cut off: drop what is stale, come back as new
                synchronized (this) {
                    nodeId = renewed;
                }
                send(ControlService.Command.JOIN, BEAT_TIMEOUT);
            }
            missed = 0;
            refreshView();
        } catch (RuntimeException e) {
            missed++; // the head is away; the next beat tries again, on a fresh session after a few
        }
    }

    /** A fresh session to the head, and this node joined through it. */
    private synchronized void reconnect() {
        AuthClient fresh = AuthClient.connect(transport.aeron(), headAddress, PeerSessions.STREAM, secret, BEAT_TIMEOUT);
        AuthClient stale = head;
        head = fresh;
        stale.close();
        send(ControlService.Command.JOIN, BEAT_TIMEOUT);
    }

    private synchronized void refreshView() {
        byte[] cluster = head.request(NodeStatus.request(), BEAT_TIMEOUT);
        view.update(ClusterView.decodeBlocks(cluster));
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(BEAT_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
            send(ControlService.Command.LEAVE, BEAT_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // the head will declare this node dead instead
        }
        synchronized (this) {
            head.close();
        }
    }
}
