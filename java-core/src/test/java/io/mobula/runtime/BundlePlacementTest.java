package io.mobula.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashSet;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mobula.NodeInfo;
import io.mobula.PlacementStrategy;

class BundlePlacementTest {
    private static NodeInfo node(String id, double cpus, double free) {
        return new NodeInfo(id, id + ":1", 1, false, true, Map.of("CPU", cpus), Map.of("CPU", free));
    }

    private static final Map<String, Double> ONE = Map.of("CPU", 1.0);
    private static final Map<String, Double> TWO = Map.of("CPU", 2.0);
    private final List<NodeInfo> nodes = List.of(node("a", 4, 4), node("b", 2, 2), node("c", 2, 1));

    private static List<String> ids(List<NodeInfo> placed) {
        return placed == null ? null : placed.stream().map(NodeInfo::id).toList();
    }

    @Test
    void packPutsBundlesTogetherAndSpillsOnlyWhenItMust() {
        assertEquals(List.of("a", "a", "a"), ids(BundlePlacement.assign(PlacementStrategy.PACK, List.of(ONE, ONE, TWO), nodes, false)));
        assertEquals(List.of("a", "a", "b"), ids(BundlePlacement.assign(PlacementStrategy.PACK, List.of(TWO, TWO, TWO), nodes, false)),
            "the fourth and fifth CPUs are on another node");
        assertNull(BundlePlacement.assign(PlacementStrategy.STRICT_PACK, List.of(TWO, TWO, ONE), nodes, false));
        assertEquals(List.of("a", "a"), ids(BundlePlacement.assign(PlacementStrategy.STRICT_PACK, List.of(TWO, TWO), nodes, false)));
    }

    @Test
    void spreadUsesDistinctNodesAndStrictSpreadNothingElse() {
        List<String> spread = ids(BundlePlacement.assign(PlacementStrategy.STRICT_SPREAD, List.of(ONE, ONE, ONE), nodes, false));
        assertEquals(3, new HashSet<>(spread).size(), spread.toString());
        assertNull(BundlePlacement.assign(PlacementStrategy.STRICT_SPREAD, List.of(ONE, ONE, ONE, ONE), nodes, false));
        assertEquals(4, BundlePlacement.assign(PlacementStrategy.SPREAD, List.of(ONE, ONE, ONE, ONE), nodes, false).size(),
            "soft: shares a node when there are too few");
        assertNull(BundlePlacement.assign(PlacementStrategy.STRICT_SPREAD, List.of(TWO, TWO, TWO), nodes, false),
            "c has only one CPU free now");
        assertEquals(3, BundlePlacement.assign(PlacementStrategy.STRICT_SPREAD, List.of(TWO, TWO, TWO), nodes, true).size(),
            "but could hold it once free");
    }
}
