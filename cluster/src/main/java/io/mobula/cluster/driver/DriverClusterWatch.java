package io.mobula.cluster.driver;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.mobula.MobulaException;
import io.mobula.NodeDiedException;
import io.mobula.TaskException;
import io.mobula.cluster.objects.ObjectNotFoundException;
import io.mobula.runtime.ActorRecord;
import io.mobula.cluster.membership.ClusterView;
import io.mobula.cluster.wire.PeerSessions;
import io.mobula.cluster.wire.RemoteActor;
import io.mobula.cluster.ownership.NodeObject;
import io.mobula.cluster.ownership.ObjectOnNode;
import io.mobula.cluster.wire.NodeStatus;

/**
 * A connected driver's view of the cluster, asked of its node every second: which nodes died. When
 * one does, the calls waiting on it fail at once ({@link NodeDiedException}: their owner runs them
 * again elsewhere) and the driver's actors that lived there are marked lost, to be built again
 * before their next call; results it held are {@linkplain #holderGone gone}.
 */
final class DriverClusterWatch implements AutoCloseable {
    static final long REFRESH_MS = 1000;
    private static final long ASK_TIMEOUT_MS = 10_000;

    private final PeerSessions sessions;
    /** The node the driver is connected to, which answers for the cluster. */
    private final String address;
    private final ClusterView view = new ClusterView();
    /** The driver's actors by where each lives now. */
    private final Map<RemoteActor, ActorRecord> actorsPlaced = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mobula-driver-view");
        t.setDaemon(true);
        return t;
    });

    DriverClusterWatch(PeerSessions sessions, String address) {
        this.sessions = sessions;
        this.address = address;
        view.onNodeDeath(node -> {
            sessions.declareDead(node.address(), ClusterView.declaredDead(node));
            actorsPlaced.forEach((place, actor) -> {
                if (place.address().equals(node.address())) {
                    actorsPlaced.remove(place);
                    actor.instanceLost(place); // built again elsewhere before its next call, while its restarts allow
                }
            });
        });
        timer.scheduleWithFixedDelay(this::refreshQuietly, REFRESH_MS, REFRESH_MS, TimeUnit.MILLISECONDS);
    }

    /** The actor now lives at {@code place}; until it dies. */
    void actorPlaced(RemoteActor place, ActorRecord actor) {
        actorsPlaced.put(place, actor);
        actor.onDeath(() -> actorsPlaced.remove(place));
    }

    /** Asks the driver's node for the cluster now; a node that does not answer leaves the view as it was. */
    void refreshQuietly() {
        try {
            view.update(ClusterView.decodeBlocks(sessions.send(address, NodeStatus.request())
                .get(ASK_TIMEOUT_MS, TimeUnit.MILLISECONDS)));
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // the node is away: the calls to it fail on their own
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the node process that held {@code object} is known to have died. */
    boolean holderGone(NodeObject object) {
        return dead(object.holder());
    }

    /** The id of the node alive at {@code address} as the view has it, or null. */
    String aliveAt(String address) {
        for (io.mobula.NodeInfo node : view.nodes()) {
            if (node.alive() && node.address().equals(address)) {
                return node.id();
            }
        }
        return null;
    }

    /** Whether the node {@code nodeId} is known to have died. */
    boolean dead(String nodeId) {
        return view.dead(nodeId);
    }

    /**
     * Whether reading {@code object} failed because it is gone: its holder died (asked anew), or a
     * node now at its address does not have it (its holder restarted).
     */
    boolean lost(NodeObject object, MobulaException failure) {
        refreshQuietly();
        return holderGone(object) || TaskException.raised(failure, ObjectNotFoundException.class);
    }

    /** Whether an argument living on a node lost its holder. */
    boolean anyGone(Object[] args) {
        for (Object arg : args) {
            if (arg instanceof ObjectOnNode remote && !remote.isInline() && holderGone(remote.object())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Waits, up to {@code waitMs}, for the head to declare dead a node holding one of {@code args}:
     * a fetch from a node that just died can fail before its death is declared.
     */
    void awaitHolderDeath(Object[] args, long waitMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        while (!anyGone(args) && System.nanoTime() < deadline) {
            Thread.sleep(REFRESH_MS / 4);
            refreshQuietly();
        }
    }

    /**
     * Waits, up to {@code waitMs}, for the head to declare dead the node serving at {@code address}
     * (one that did not answer: a call may fail to reach a node before its death is declared).
     *
     * @return whether it was, with no other node alive at that address since.
     */
    boolean awaitDeathAt(String address, long waitMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        while (true) {
            List<io.mobula.NodeInfo> there = view.nodes().stream().filter(n -> n.address().equals(address)).toList();
            if (!there.isEmpty() && there.stream().noneMatch(io.mobula.NodeInfo::alive)) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(REFRESH_MS / 4);
            refreshQuietly();
        }
    }

    /** The holders of the arguments living on nodes, as the view has them: for an error message. */
    String holdersOf(Object[] args) {
        StringBuilder holders = new StringBuilder();
        for (Object arg : args) {
            if (arg instanceof ObjectOnNode remote && !remote.isInline()) {
                NodeObject at = remote.object();
                holders.append(holders.isEmpty() ? "" : ", ").append("node ").append(at.holder()).append(" at ")
                    .append(at.address()).append(view.dead(at.holder()) ? " (dead)" : view.alive(at.holder()) ? " (alive)"
                    : " (not known)");
            }
        }
        return holders.toString();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
