package io.mobula.runtime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.mobula.NodeInfo;
import io.mobula.PlacementStrategy;

/**
 * Lays a placement group's bundles over nodes: a pure decision over the nodes' resources (free now,
 * to place it; in all, to tell whether it could ever be placed). Nodes are tried with the most free
 * CPU first, so groups land where there is room.
 */
public final class BundlePlacement {
    private BundlePlacement() {
    }

    /**
     * @param useTotals true to judge by the nodes' total resources (could it ever fit), false by their
     *                  free resources (does it fit now).
     * @return the node of each bundle, in bundle order, or null if the strategy cannot be met.
     */
    public static List<NodeInfo> assign(PlacementStrategy strategy, List<Map<String, Double>> bundles, List<NodeInfo> nodes,
                                        boolean useTotals) {
        List<NodeInfo> order = new ArrayList<>(nodes);
        order.sort(Comparator.comparingDouble((NodeInfo n) -> -resourcesOf(n, useTotals).getOrDefault("CPU", 0.0))
            .thenComparing(NodeInfo::id));
        Map<String, Map<String, Double>> left = new HashMap<>();
        for (NodeInfo node : order) {
            left.put(node.id(), new HashMap<>(resourcesOf(node, useTotals)));
        }
        return switch (strategy) {
            case STRICT_PACK -> onOne(bundles, order, left);
            case PACK -> {
                List<NodeInfo> one = onOne(bundles, order, left);
                yield one != null ? one : greedy(bundles, order, left, false, false);
            }
            case STRICT_SPREAD -> greedy(bundles, order, left, true, true);
            case SPREAD -> greedy(bundles, order, left, true, false);
        };
    }

    private static Map<String, Double> resourcesOf(NodeInfo node, boolean useTotals) {
        return useTotals ? node.totalResources() : node.availableResources();
    }

    private static List<NodeInfo> onOne(List<Map<String, Double>> bundles, List<NodeInfo> order,
                                        Map<String, Map<String, Double>> left) {
        Map<String, Double> sum = new HashMap<>();
        for (Map<String, Double> bundle : bundles) {
            bundle.forEach((name, amount) -> sum.merge(name, amount, Double::sum));
        }
        for (NodeInfo node : order) {
            if (fits(sum, left.get(node.id()))) {
                List<NodeInfo> all = new ArrayList<>();
                for (int i = 0; i < bundles.size(); i++) {
                    all.add(node);
                }
                return all;
            }
        }
        return null;
    }

    /**
     * Bundle by bundle: with {@code spread}, a node not used yet first; {@code strict} allows no
     * node twice. Without spread, the nodes used already first (packing).
     */
    private static List<NodeInfo> greedy(List<Map<String, Double>> bundles, List<NodeInfo> order,
                                         Map<String, Map<String, Double>> left, boolean spread, boolean strict) {
        List<NodeInfo> chosen = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (Map<String, Double> bundle : bundles) {
            NodeInfo pick = null;
            for (int pass = 0; pass < 2 && pick == null; pass++) {
                for (NodeInfo node : order) {
                    boolean fresh = !used.contains(node.id());
                    boolean wanted = pass == 0 ? (spread == fresh) : !strict;
                    if (wanted && fits(bundle, left.get(node.id()))) {
                        pick = node;
                        break;
                    }
                }
            }
            if (pick == null) {
                return null;
            }
            Map<String, Double> rest = left.get(pick.id());
            bundle.forEach((name, amount) -> rest.merge(name, -amount, Double::sum));
            used.add(pick.id());
            chosen.add(pick);
        }
        return chosen;
    }

    static boolean fits(Map<String, Double> request, Map<String, Double> resources) {
        for (Map.Entry<String, Double> want : request.entrySet()) {
            if (want.getValue() > 0 && resources.getOrDefault(want.getKey(), 0.0) + 1e-9 < want.getValue()) {
                return false;
            }
        }
        return true;
    }
}
