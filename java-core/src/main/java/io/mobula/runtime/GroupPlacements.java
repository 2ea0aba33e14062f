package io.mobula.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.mobula.PlacementStrategy;

/**
 * Where placement groups are made and kept: on an embedded node, by the node itself
 * ({@link LocalGroupPlacements}); for a connected driver, by the cluster's head.
 */
public interface GroupPlacements {
    /**
     * Starts placing a group: it is reserved as soon as its bundles fit (now, or once resources free).
     *
     * @throws io.mobula.InfeasibleResourcesException if the cluster could never hold it.
     */
    void create(String id, PlacementStrategy strategy, List<Map<String, Double>> bundles);

    /** The bundles' node ids once placed, waiting up to {@code wait}; null if not placed by then. */
    List<String> nodesOf(String id, Duration wait);

    /** Frees the group's bundles; work still queued in them fails. */
    void remove(String id);
}
