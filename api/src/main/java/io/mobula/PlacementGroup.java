package io.mobula;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.mobula.spi.MobulaRuntime;

/**
 * Resources reserved together: bundles, each a set of resources held on one node, laid out by a
 * {@link PlacementStrategy} and reserved all at once or not at all (a gang). Work scheduled into a
 * bundle ({@link SchedulingStrategy#placementGroup(PlacementGroup, int)}) runs on that bundle's
 * node, on the bundle's resources; nothing else can take them while the group lives.
 * <pre>{@code
 * PlacementGroup group = mobula.placementGroup(PlacementStrategy.STRICT_SPREAD,
 *     List.of(Map.of("CPU", 1.0), Map.of("CPU", 1.0)));
 * group.waitReady(Duration.ofSeconds(10));
 * mobula.task(Trainer::step).scheduling(SchedulingStrategy.placementGroup(group, 0)).remote();
 * }</pre>
 */
public final class PlacementGroup {
    private final String id;
    private final PlacementStrategy strategy;
    private final List<Map<String, Double>> bundles;
    private final MobulaRuntime runtime;

    PlacementGroup(String id, PlacementStrategy strategy, List<Map<String, Double>> bundles, MobulaRuntime runtime) {
        this.id = id;
        this.strategy = strategy;
        this.bundles = bundles;
        this.runtime = runtime;
    }

    public String id() {
        return id;
    }

    public PlacementStrategy strategy() {
        return strategy;
    }

    public List<Map<String, Double>> bundles() {
        return bundles;
    }

    /** Waits up to {@code timeout} for every bundle to be reserved. @return true once they are. */
    public boolean waitReady(Duration timeout) {
        return runtime.placementGroupNodes(id, timeout) != null;
    }

    /**
     * The id of the node each bundle is reserved on, in bundle order.
     *
     * @throws IllegalStateException if the group is not placed yet ({@link #waitReady} first).
     */
    public List<String> bundleNodes() {
        List<String> nodes = runtime.placementGroupNodes(id, Duration.ZERO);
        if (nodes == null) {
            throw new IllegalStateException("placement group " + id + " is not placed yet; call waitReady first");
        }
        return nodes;
    }

    @Override
    public String toString() {
        return "PlacementGroup{" + id + " " + strategy + " " + bundles + "}";
    }
}
