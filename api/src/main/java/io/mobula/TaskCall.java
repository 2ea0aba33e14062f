package io.mobula;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mobula.function.RemoteFunction;
import io.mobula.spi.MobulaRuntime;
import io.mobula.spi.ObjectState;
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
    private int numReturns = 1;

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
        if (numReturns != 1) {
            throw new IllegalStateException("this task was given numReturns(" + numReturns + "): submit it with remoteEach(), "
                + "which returns one ref per value");
        }
        return new ObjectRef<>(runtime.submitTask(function, args, options()), runtime);
    }

    private TaskOptions options() {
        return new TaskOptions(resources, new RetryOptions(maxRetries, retryOn), strategy, isolated);
    }

    // ---- streaming generator ----

    /**
     * Submits a streaming generator task: the function returns an {@code Iterator<T>}, an
     * {@code Iterable<T>} or a {@code java.util.stream.Stream<T>}, which the task runs through,
     * storing each value as its own object as soon as it is produced; the caller takes their refs
     * as they come (see {@link ObjectRefGenerator}). A failure part way surfaces as the next ref.
     * A generator task is not run again after a failure ({@code maxRetries} does not apply). It runs
     * alike on a node's thread, in a worker process ({@link #isolated()}: each value is sent to the
     * node as produced) and through a connected driver (each value read from the node running it as
     * produced).
     *
     * @throws IllegalStateException if {@code numReturns} was set: a generator's values are its refs.
     */
    public <T> ObjectRefGenerator<T> remoteGenerator() {
        if (numReturns != 1) {
            throw new IllegalStateException("a generator's values are its refs: drop numReturns(" + numReturns + ")");
        }
        return new ObjectRefGenerator<>(runtime.submitGenerator(function, args, options()), runtime);
    }

    // ---- multiple returns ----

    /**
     * The task returns {@code n} values, each stored as its own object (Ray's {@code num_returns}):
     * submit it with {@link #remoteEach()}. The function returns a {@code List} or an array of
     * exactly {@code n} values. {@code numReturns(1)} with {@link #remote()} is a plain task.
     *
     * @throws IllegalArgumentException if {@code n < 1}.
     */
    public TaskCall<R> numReturns(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("numReturns must be >= 1, got " + n + "; a task that returns nothing "
                + "is a VoidFunc task, and its one ref says when it is done");
        }
        this.numReturns = n;
        return this;
    }

    /**
     * Submits a task whose function returns a {@code List<T>} or a {@code T[]} of exactly
     * {@link #numReturns(int) numReturns} values, and returns one ref per value, in order: each
     * value is its own object (so a consumer of one does not read the others). If the function
     * returns another count, or no list or array, every ref fails with
     * {@link ReturnCountException} naming the count expected and the count returned; if it throws,
     * every ref fails with that.
     *
     * @throws IllegalArgumentException (and the other failures of {@link #remote()}) as {@link #remote()}.
     */
    public <T> List<ObjectRef<T>> remoteEach() {
        ObjectState[] states = runtime.submitTaskEach(function, args, options(), numReturns);
        List<ObjectRef<T>> refs = new ArrayList<>(states.length);
        for (ObjectState state : states) {
            refs.add(new ObjectRef<>(state, runtime));
        }
        return List.copyOf(refs);
    }
}
