package io.mobula.cluster.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.mobula.NodeInfo;
import io.mobula.SchedulingStrategy;

class PlacementTest {
    private static NodeInfo node(String id, double cpuTotal, double cpuFree, Map<String, Double> extra) {
        Map<String, Double> total = new java.util.HashMap<>(extra);
        total.put("CPU", cpuTotal);
        Map<String, Double> free = new java.util.HashMap<>(extra);
        free.put("CPU", cpuFree);
        return new NodeInfo(id, id + ":1", 1, false, true, total, free);
    }

    private final Placement placement = new Placement();
    private final NodeInfo self = node("a", 2, 2, Map.of());
    private final NodeInfo busyPeer = node("b", 4, 0, Map.of());
    private final NodeInfo gpuPeer = node("c", 4, 3, Map.of("GPU", 1.0));

    private Placement.Target place(Map<String, Double> request, SchedulingStrategy strategy, NodeInfo here) {
        return placement.place(request, strategy, false, here, List.of(busyPeer, gpuPeer));
    }

    @Test
    void localFirstThenTheFreestPeerThenWhereItCouldEverFit() {
        assertTrue(place(null, SchedulingStrategy.defaultStrategy(), self).here());
        NodeInfo full = node("a", 2, 0, Map.of());
        assertEquals("c", place(null, SchedulingStrategy.defaultStrategy(), full).node().id(), "spilled to the freest peer");
        assertEquals("c", place(Map.of("GPU", 1.0), SchedulingStrategy.defaultStrategy(), self).node().id());
        assertTrue(place(Map.of("CPU", 2.0), SchedulingStrategy.defaultStrategy(), node("a", 2, 0, Map.of()))
            .node().id().equals("c"));
        Placement.Target never = place(Map.of("CPU", 64.0), SchedulingStrategy.defaultStrategy(), self);
        assertNull(never.node());
        assertTrue(never.problem().contains("no node of the cluster could ever run it"), never.problem());
        assertTrue(placement.place(Map.of("CPU", 64.0), SchedulingStrategy.spread(), true, self, List.of(gpuPeer)).here(),
            "work another node placed runs where it lands");
    }

    @Test
    void spreadTakesEveryNodeThatFitsInTurn() {
        Set<String> chosen = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            Placement.Target t = place(null, SchedulingStrategy.spread(), self);
            chosen.add(t.here() ? "a" : t.node().id());
        }
        assertEquals(Set.of("a", "b", "c"), chosen, "every node that could run it, busy or not");
        Set<String> gpu = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            Placement.Target t = place(Map.of("GPU", 1.0), SchedulingStrategy.spread(), self);
            gpu.add(t.here() ? "a" : t.node().id());
        }
        assertEquals(Set.of("c"), gpu, "only c could ever run it");
    }

    @Test
    void affinityHardOrSoft() {
        assertEquals("b", place(null, SchedulingStrategy.nodeAffinity("b", false), self).node().id(), "busy, but it may queue there");
        assertTrue(place(null, SchedulingStrategy.nodeAffinity("a", false), self).here());
        assertTrue(place(null, SchedulingStrategy.nodeAffinity("zz", true), self).here());
        Placement.Target gone = place(null, SchedulingStrategy.nodeAffinity("zz", false), self);
        assertTrue(gone.problem().contains("not an alive node"), gone.problem());
        Placement.Target tooSmall = place(Map.of("GPU", 1.0), SchedulingStrategy.nodeAffinity("b", false), self);
        assertTrue(tooSmall.problem().contains("could never fit"), tooSmall.problem());
    }
}
