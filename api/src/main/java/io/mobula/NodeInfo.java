package io.mobula;

import java.util.Map;

/**
 * One node of the cluster as the caller's node last heard of it ({@link Mobula#nodes()}): its id
 * (for {@link SchedulingStrategy#nodeAffinity}), where it listens, its process, whether it is the
 * head and alive, and its resources in all and free now.
 */
public record NodeInfo(String id, String address, long pid, boolean head, boolean alive,
                       Map<String, Double> totalResources, Map<String, Double> availableResources) {
    public NodeInfo {
        totalResources = Map.copyOf(totalResources);
        availableResources = Map.copyOf(availableResources);
    }
}
