package io.mobula.spi;

import java.util.Map;

import io.mobula.SchedulingStrategy;

/**
 * A task's options as its builder collected them.
 *
 * @param resources resources asked for, or null for the default of one CPU.
 * @param isolated  run in a worker process rather than on a node thread.
 */
public record TaskOptions(Map<String, Double> resources, RetryOptions retry, SchedulingStrategy strategy, boolean isolated) {
}
