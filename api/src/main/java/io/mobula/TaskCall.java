package io.mobula;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mobula.function.RemoteFunction;
import io.mobula.spi.MobulaRuntime;
import io.mobula.spi.RetryOptions;
import io.mobula.spi.TaskOptions;

/**
 * A task about to be submitted: set options, then {@link #remote()}. A call may be submitted more
 * than once; each {@code remote()} is a new task.
 * <pre>{@code
 * ObjectRef<double[]> c = mobula.task(ArrayMath::add, a, b).resources("CPU", 0.5).maxRetries(2)
 *     .retryExceptions(IOException.class).remote();
 * }</pre>
 */
public final class TaskCall<R> {
    private final MobulaRuntime runtime;
    private final RemoteFunction function;
    private final Object[] args;
    private Map<String, Double> resources;
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private List<Class<? extends Throwable>> retryOn = List.of();
    private SchedulingStrategy strategy = SchedulingStrategy.defaultStrategy();
    private boolean isolated;

    /** Ray's default: a task whose process or node dies runs again up to 3 times. */
    public static final int DEFAULT_MAX_RETRIES = 3;

    TaskCall(MobulaRuntime runtime, RemoteFunction function, Object[] args) {
        this.runtime = runtime;
        this.function = function;
        this.args = args;
    }

    /**
     * Asks for an amount of a resource while the task runs ({@code CPU}, {@code GPU},
     * {@code memory} in bytes, or a custom label; fractions allowed). Naming any resource replaces
     * the default of one CPU, so add {@code CPU} as well if the task needs it.
     */
    public TaskCall<R> resources(String name, double amount) {
        if (resources == null) {
            resources = new LinkedHashMap<>();
        }
        resources.put(name, amount);
        return this;
    }

    /** Replaces the resource request with {@code request}. */
    public TaskCall<R> resources(Map<String, Double> request) {
        resources = new LinkedHashMap<>(request);
        return this;
    }

    /**
     * How many more times the task runs after a system failure (its worker process or its node
     * died: always retried) or an exception marked with {@link #retryExceptions}; default 3, as in
     * Ray. {@code 0} also means its result is not rebuilt if the node holding it dies
     * ({@link ObjectLostException}).
     */
    public TaskCall<R> maxRetries(int maxRetries) {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
        }
        this.maxRetries = maxRetries;
        return this;
    }

    /** Marks these exception types (and subtypes) as retryable. */
    @SafeVarargs
    public final TaskCall<R> retryExceptions(Class<? extends Throwable>... types) {
        this.retryOn = List.of(types);
        return this;
    }

    /** Marks every exception as retryable. */
    public TaskCall<R> retryExceptions() {
        this.retryOn = RetryOptions.ANY;
        return this;
    }

    /** Where in the cluster the task may run (default: local first, then spill-back). */
    public TaskCall<R> scheduling(SchedulingStrategy strategy) {
        if (strategy == null) {
            throw new IllegalArgumentException("the scheduling strategy is null; pass SchedulingStrategy.defaultStrategy()");
        }
        this.strategy = strategy;
        return this;
    }

    /**
     * Runs the task in a worker process of the node instead of on one of its threads: a crash,
     * {@code System.exit} or native fault there ends only that process; the task then runs again
     * in a fresh one while {@code maxRetries} allows (a crash is always retryable), and {@code get}
     * finally throws {@link WorkerCrashedException}. Costs a round trip between processes (tens of
     * microseconds) and copies the arguments and the result (2 MiB at most each, for now).
     * <p>
     * The function must be one a process can find by name: a static method, a method of the first
     * argument's class ({@code String::length}), a constructor, or a lambda that captures nothing.
     * Code inside cannot call {@code Mobula.current()} (nested tasks stay on the node's threads).
     */
    public TaskCall<R> isolated() {
        this.isolated = true;
        return this;
    }

    /**
     * Submits the task.
     *
     * @throws UnserializableArgumentException naming the argument that cannot be serialized.
     * @throws InfeasibleResourcesException    if no node could ever satisfy the resource request.
     * @throws RuntimeClosedException          if the runtime is closed.
     * @throws IllegalArgumentException         if the task is {@link #isolated()} and its function is a
     *                                          capturing lambda or a bound method reference.
     */
    public ObjectRef<R> remote() {
        return new ObjectRef<>(runtime.submitTask(function, args,
            new TaskOptions(resources, new RetryOptions(maxRetries, retryOn), strategy, isolated)), runtime);
    }
}
