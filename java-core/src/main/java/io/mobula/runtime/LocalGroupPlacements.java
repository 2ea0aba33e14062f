package io.mobula.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.mobula.InfeasibleResourcesException;
import io.mobula.PlacementStrategy;

/** Placement groups on an embedded node: every bundle on this node, if the strategy allows that. */
final class LocalGroupPlacements implements GroupPlacements {
    private final NodeRuntime runtime;
    private final Map<String, List<CompletableFuture<Void>>> groups = new ConcurrentHashMap<>();

    LocalGroupPlacements(NodeRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void create(String id, PlacementStrategy strategy, List<Map<String, Double>> bundles) {
        if (BundlePlacement.assign(strategy, bundles, runtime.nodes(), true) == null) {
            throw new InfeasibleResourcesException("placement group " + id + " (" + strategy + ", bundles " + bundles
                + ") could never be placed on this node, which has " + runtime.totalResources()
                + (strategy == PlacementStrategy.STRICT_SPREAD && bundles.size() > 1 ? " (STRICT_SPREAD needs a node per bundle)" : "")
                + "; ask for less, or connect to a cluster");
        }
        List<CompletableFuture<Void>> reserved = new ArrayList<>();
        for (int i = 0; i < bundles.size(); i++) {
            reserved.add(runtime.bundles().reserve(id, i, bundles.get(i)));
        }
        groups.put(id, reserved);
    }

    @Override
    public List<String> nodesOf(String id, Duration wait) {
        List<CompletableFuture<Void>> reserved = groups.get(id);
        if (reserved == null) {
            return null;
        }
        try {
            CompletableFuture.allOf(reserved.toArray(CompletableFuture[]::new)).get(Math.max(0, wait.toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        List<String> nodes = new ArrayList<>();
        for (int i = 0; i < reserved.size(); i++) {
            nodes.add(runtime.nodeId());
        }
        return nodes;
    }

    @Override
    public void remove(String id) {
        List<CompletableFuture<Void>> reserved = groups.remove(id);
        if (reserved != null) {
            for (int i = 0; i < reserved.size(); i++) {
                runtime.bundles().release(id, i);
            }
        }
    }
}
