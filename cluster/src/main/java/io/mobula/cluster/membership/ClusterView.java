package io.mobula.cluster.membership;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mobula.NodeInfo;
import io.mobula.cluster.wire.NodeStatus;

/**
 * What a node knows of the cluster's other nodes: their last reported status (address, resources
 * in all and free, alive), refreshed about once a second (a node from the head's answers to its
 * heartbeats, the head from its own tables). Free resources are as of that report, so a spilled
 * task may find its node busy by the time it lands and queue there.
 */
public final class ClusterView {
    private volatile List<NodeInfo> nodes = List.of();
    private volatile List<NodeStatus> statuses = List.of();
    private final List<java.util.function.Consumer<NodeInfo>> deathListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * Tells {@code listener} of each node this view saw alive and a later report shows dead (the
     * head declared it so), on the thread that updates the view.
     */
    public void onNodeDeath(java.util.function.Consumer<NodeInfo> listener) {
        deathListeners.add(listener);
    }

    /**
     * Replaces the view with these statuses (blocks of {@link NodeStatus} fields). One update at a
     * time (a driver refreshes from several threads), so each death is told once.
     */
    public synchronized void update(List<NodeStatus> reported) {
        List<NodeInfo> fresh = new ArrayList<>(reported.size());
        for (NodeStatus status : reported) {
            fresh.add(toInfo(status));
        }
        List<NodeInfo> before = nodes;
        statuses = List.copyOf(reported);
        nodes = List.copyOf(fresh);
        for (NodeInfo was : before) {
            if (was.alive() && !alive(was.id())) {
                deathListeners.forEach(listener -> listener.accept(was));
            }
        }
    }

    /** Whether the node with {@code id} is alive as last reported (unknown ones are not). */
    public boolean alive(String id) {
        for (NodeInfo node : nodes) {
            if (node.id().equals(id)) {
                return node.alive();
            }
        }
        return false;
    }

    /** A field of the node's last reported status; empty if the node or the field is unknown. */
    public String field(String id, String key) {
        for (NodeStatus status : statuses) {
            if (id.equals(status.get("id"))) {
                return status.get(key);
            }
        }
        return "";
    }

    /** Whether the node with {@code id} is known and was last reported dead (an unknown one may be new). */
    public boolean dead(String id) {
        for (NodeInfo node : nodes) {
            if (node.id().equals(id)) {
                return !node.alive();
            }
        }
        return false;
    }


    /** The statuses as last reported. */
    public List<NodeStatus> statuses() {
        return statuses;
    }

    /** Every node last heard of, this one excluded only if the reports did not include it. */
    public List<NodeInfo> nodes() {
        return nodes;
    }

    /** The other nodes that are alive. */
    public List<NodeInfo> peers(String selfId) {
        List<NodeInfo> peers = new ArrayList<>();
        for (NodeInfo node : nodes) {
            if (node.alive() && !node.id().equals(selfId)) {
                peers.add(node);
            }
        }
        return peers;
    }

    /** What fails the calls waiting on {@code node} once the head declared it dead. */
    public static io.mobula.NodeDiedException declaredDead(NodeInfo node) {
        return new io.mobula.NodeDiedException("node " + node.id() + " at " + node.address() + " died: the head heard no "
            + "heartbeat from it within the cluster's dead-after time");
    }

    public static NodeInfo toInfo(NodeStatus status) {
        Map<String, Double> total = new LinkedHashMap<>();
        Map<String, Double> available = new LinkedHashMap<>();
        status.fields().forEach((key, value) -> {
            if (key.startsWith("total.")) {
                total.put(key.substring("total.".length()), Double.parseDouble(value));
            } else if (key.startsWith("available.")) {
                available.put(key.substring("available.".length()), Double.parseDouble(value));
            }
        });
        String alive = status.get("alive");
        return new NodeInfo(status.get("id"), status.get("address"), (long) status.number("pid"),
            Boolean.parseBoolean(status.get("head")), alive.isEmpty() || Boolean.parseBoolean(alive), total, available);
    }

    /**
     * Reads a cluster status answer into its nodes' statuses.
     *
     * @throws java.io.UncheckedIOException wrapping a {@link io.mobula.transport.MalformedMessageException}
     *                                      for an answer that does not parse (a node of another build).
     */
    public static List<NodeStatus> decodeBlocks(byte[] answer) {
        try {
            return NodeStatus.decodeAll(answer);
        } catch (io.mobula.transport.MalformedMessageException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
