/**
 * Where work goes: the node for a task or actor, and the head's placement groups (bundles reserved
 * on nodes, placed again when a node dies).
 */
package io.mobula.cluster.placement;
