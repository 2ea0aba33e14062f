package io.mobula;

/**
 * Where in a cluster a task may run (Ray's scheduling strategies). On an embedded node there is one
 * place, so every strategy that allows this node means "here".
 * <ul>
 *   <li>{@link #defaultStrategy()}: on the node the caller is connected to while its resources fit
 *       there now; otherwise spilled back to a node whose free resources fit; queued where it could
 *       ever fit when none fits now.</li>
 *   <li>{@link #spread()}: across the nodes that could run it, one after another.</li>
 *   <li>{@link #nodeAffinity(String, boolean)}: on the node with that id ({@link NodeInfo#id()}).
 *       Soft: elsewhere if that node is gone or could never fit it; hard: fails instead.</li>
 *   <li>{@link #placementGroup(PlacementGroup, int)}: in a bundle of a placement group, on the
 *       bundle's node and resources; it waits until the group is placed.</li>
 * </ul>
 */
public sealed interface SchedulingStrategy {
    /** Local first, then spill-back. */
    record Default() implements SchedulingStrategy {
    }

    /** Round robin over the nodes that could run it. */
    record Spread() implements SchedulingStrategy {
    }

    /** On one node; {@code soft} lets it run elsewhere if that node is gone or cannot ever fit it. */
    record NodeAffinity(String nodeId, boolean soft) implements SchedulingStrategy {
        public NodeAffinity {
            if (nodeId == null || nodeId.isBlank()) {
                throw new IllegalArgumentException("a node affinity needs a node id (see Mobula.nodes())");
            }
        }
    }

    /** In bundle {@code bundleIndex} of a placement group, or in any of its bundles ({@code -1}). */
    record PlacementGroupBundle(String groupId, int bundleIndex) implements SchedulingStrategy {
        public PlacementGroupBundle {
            if (groupId == null || groupId.isBlank()) {
                throw new IllegalArgumentException("a placement group strategy needs the group");
            }
            if (bundleIndex < -1) {
                throw new IllegalArgumentException("a bundle index is >= 0, or -1 for any bundle; got " + bundleIndex);
            }
        }
    }

    static SchedulingStrategy defaultStrategy() {
        return new Default();
    }

    static SchedulingStrategy spread() {
        return new Spread();
    }

    static SchedulingStrategy nodeAffinity(String nodeId, boolean soft) {
        return new NodeAffinity(nodeId, soft);
    }

    /** In bundle {@code bundleIndex} of {@code group} ({@code -1}: any of its bundles). */
    static SchedulingStrategy placementGroup(PlacementGroup group, int bundleIndex) {
        if (group == null) {
            throw new IllegalArgumentException("the placement group is null");
        }
        if (bundleIndex >= group.bundles().size()) {
            throw new IllegalArgumentException("placement group " + group.id() + " has " + group.bundles().size()
                + " bundles; bundle " + bundleIndex + " does not exist");
        }
        return new PlacementGroupBundle(group.id(), bundleIndex);
    }
}
