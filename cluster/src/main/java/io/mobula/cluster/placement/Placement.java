package io.mobula.cluster.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.mobula.NodeInfo;
import io.mobula.SchedulingStrategy;
import io.mobula.cluster.membership.ClusterView;

/**
 * Where a node sends work it receives: here, or to another node of its {@link ClusterView}
 * (Ray's spill-back). Pure decisions over the view and this node's own resources; the node acts on
 * them.
 * <ul>
 *   <li>Default: here if the request fits this node's free resources now; else the alive node with
 *       the most free CPU among those it fits now; else here if it could ever fit here (it queues);
 *       else a node where it could ever fit; else nowhere.</li>
 *   <li>Spread: the nodes it could ever fit, in id order, taken in turn. Not only those it fits now:
 *       the view of others' free resources is up to a second old, and a spread that followed it would
 *       pile onto whichever node last reported itself idle.</li>
 *   <li>Node affinity: that node if it is alive and could ever fit it; soft falls back to Default.</li>
 * </ul>
 * Work another node already placed runs where it lands.
 */
public final class Placement {
    /** Where to run: here ({@code node == null}), on {@code node}, or nowhere ({@code problem} says why). */
    public record Target(NodeInfo node, String problem) {
        static final Target HERE = new Target(null, null);

        public boolean here() {
            return node == null && problem == null;
        }
    }

    private static final Map<String, Double> ONE_CPU = Map.of("CPU", 1.0);

    private final AtomicLong spreadTurn = new AtomicLong();

    public Target place(Map<String, Double> requested, SchedulingStrategy strategy, boolean placed, NodeInfo self,
                 List<NodeInfo> peers) {
        if (placed) {
            return Target.HERE;
        }
        Map<String, Double> request = requested == null ? ONE_CPU : requested;
        return switch (strategy) {
            case SchedulingStrategy.Default d -> localFirst(request, self, peers);
            case SchedulingStrategy.Spread s -> spread(request, self, peers);
            case SchedulingStrategy.NodeAffinity affinity -> affinity(request, affinity, self, peers);
            case SchedulingStrategy.PlacementGroupBundle bundle -> new Target(null, "work in a placement group goes "
                + "where its bundle is; the node routes it by the group, not by resources");
        };
    }

    private static Target localFirst(Map<String, Double> request, NodeInfo self, List<NodeInfo> peers) {
        if (fits(request, self.availableResources())) {
            return Target.HERE;
        }
        NodeInfo best = null;
        for (NodeInfo peer : peers) {
            if (fits(request, peer.availableResources()) && (best == null || cpu(peer) > cpu(best))) {
                best = peer;
            }
        }
        if (best != null) {
            return new Target(best, null);
        }
        if (fits(request, self.totalResources())) {
            return Target.HERE;
        }
        for (NodeInfo peer : peers) {
            if (fits(request, peer.totalResources())) {
                return new Target(peer, null);
            }
        }
        return new Target(null, "no node of the cluster could ever run it: it requests " + request + ", and the nodes "
            + "have " + describe(self, peers) + "; lower the request, or add a node with more");
    }

    private Target spread(Map<String, Double> request, NodeInfo self, List<NodeInfo> peers) {
        List<NodeInfo> all = new ArrayList<>(peers);
        all.add(self);
        all.sort(Comparator.comparing(NodeInfo::id));
        List<NodeInfo> candidates = all.stream().filter(n -> fits(request, n.totalResources())).toList();
        if (candidates.isEmpty()) {
            return localFirst(request, self, peers); // says why nothing fits
        }
        NodeInfo chosen = candidates.get((int) Math.floorMod(spreadTurn.getAndIncrement(), (long) candidates.size()));
        return chosen.id().equals(self.id()) ? Target.HERE : new Target(chosen, null);
    }

    private static Target affinity(Map<String, Double> request, SchedulingStrategy.NodeAffinity affinity, NodeInfo self,
                                   List<NodeInfo> peers) {
        if (affinity.nodeId().equals(self.id()) && fits(request, self.totalResources())) {
            return Target.HERE;
        }
        for (NodeInfo peer : peers) {
            if (peer.id().equals(affinity.nodeId()) && fits(request, peer.totalResources())) {
                return new Target(peer, null);
            }
        }
        if (affinity.soft()) {
            return localFirst(request, self, peers);
        }
        boolean known = affinity.nodeId().equals(self.id()) || peers.stream().anyMatch(p -> p.id().equals(affinity.nodeId()));
        return new Target(null, "it must run on node " + affinity.nodeId() + ", which "
            + (known ? "could never fit its request " + request : "is not an alive node of the cluster")
            + "; make the affinity soft, or pick a node from Mobula.nodes()");
    }

    static boolean fits(Map<String, Double> request, Map<String, Double> resources) {
        for (Map.Entry<String, Double> want : request.entrySet()) {
            if (want.getValue() > 0 && resources.getOrDefault(want.getKey(), 0.0) + 1e-9 < want.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static double cpu(NodeInfo node) {
        return node.availableResources().getOrDefault("CPU", 0.0);
    }

    private static String describe(NodeInfo self, List<NodeInfo> peers) {
        StringBuilder out = new StringBuilder().append(self.id()).append(' ').append(self.totalResources());
        for (NodeInfo peer : peers) {
            out.append(", ").append(peer.id()).append(' ').append(peer.totalResources());
        }
        return out.toString();
    }
}
