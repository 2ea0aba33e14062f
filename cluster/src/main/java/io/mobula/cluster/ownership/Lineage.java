package io.mobula.cluster.ownership;

import io.mobula.runtime.TaskSpec;

/**
 * How a connected driver makes a result again (Ray's lineage): the task that made it and the
 * arguments it was sent with — values, and {@link ObjectOnNode}s for those living on nodes, which
 * are rebuilt first if they were lost too. Held with the result for as long as the driver holds it.
 */
public record Lineage(TaskSpec task, Object[] args) {
    int maxRebuilds() {
        return task.maxRetries();
    }

    String displayName() {
        return task.displayName();
    }
}
