package io.mobula;

/**
 * How a placement group's bundles are laid over the cluster's nodes (Ray's strategies).
 * <ul>
 *   <li>{@link #PACK}: on as few nodes as possible; more if they do not fit on one.</li>
 *   <li>{@link #SPREAD}: on as many different nodes as possible; sharing if there are too few.</li>
 *   <li>{@link #STRICT_PACK}: all on one node, or not at all.</li>
 *   <li>{@link #STRICT_SPREAD}: each on a node of its own, or not at all.</li>
 * </ul>
 */
public enum PlacementStrategy {
    PACK, SPREAD, STRICT_PACK, STRICT_SPREAD
}
