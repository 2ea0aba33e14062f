package io.mobula.spi;

import java.util.List;
import java.util.Map;

import io.mobula.ConcurrencyGroup;
import io.mobula.SchedulingStrategy;

/**
 * An actor's options as its builder collected them.
 *
 * @param resources held for the actor's life, or null: placed where one CPU is free, holding none.
 * @param name      the actor's name, or null.
 * @param detached  a connected driver's actor that outlives the driver (it must be named).
 * @param namespace where its name is unique, or null: the job's namespace.
 * @param concurrencyGroups its named concurrency groups (empty: the default group alone).
 */
public record ActorOptions(Map<String, Double> resources, int maxRestarts, int maxConcurrency, String name,
                           SchedulingStrategy strategy, boolean isolated, boolean detached, String namespace,
                           List<ConcurrencyGroup<?>> concurrencyGroups) {
}
