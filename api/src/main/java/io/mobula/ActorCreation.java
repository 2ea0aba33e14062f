package io.mobula;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mobula.function.RemoteFunction;
import io.mobula.spi.ActorOptions;
import io.mobula.spi.MobulaRuntime;

/**
 * An actor about to be created: set options, then {@link #remote()}.
 * <pre>{@code
 * ActorHandle<Counter> counter = mobula.actor(Counter::new).name("counter").maxRestarts(2).remote();
 * }</pre>
 */
public final class ActorCreation<A> {
    private final MobulaRuntime runtime;
    private final RemoteFunction constructor;
    private final Object[] args;
    private Map<String, Double> resources;
    private int maxRestarts;
    private int maxConcurrency = 1;
    private String name;
    private SchedulingStrategy strategy = SchedulingStrategy.defaultStrategy();
    private boolean isolated;
    private boolean detached;
    private String namespace;
    private final List<ConcurrencyGroup<?>> concurrencyGroups = new ArrayList<>();

    ActorCreation(MobulaRuntime runtime, RemoteFunction constructor, Object[] args) {
        this.runtime = runtime;
        this.constructor = constructor;
        this.args = args;
    }

    /**
     * Resources the actor holds for its whole life. Without any, it is placed where one CPU is free
     * but holds none while it lives, so idle actors do not starve tasks (Ray's default).
     */
    public ActorCreation<A> resources(String name, double amount) {
        if (resources == null) {
            resources = new LinkedHashMap<>();
        }
        resources.put(name, amount);
        return this;
    }

    public ActorCreation<A> resources(Map<String, Double> request) {
        resources = new LinkedHashMap<>(request);
        return this;
    }

    /**
     * How many times the constructor re-runs after a method throws an {@link Error}, or, for an
     * {@link #isolated()} actor, after its worker process dies (default 0).
     */
    public ActorCreation<A> maxRestarts(int maxRestarts) {
        this.maxRestarts = maxRestarts;
        return this;
    }

    /**
     * Adds a named concurrency group (Ray's concurrency groups): its methods' calls, and calls sent to
     * it by name ({@link ActorCall#concurrencyGroup}), run on threads of their own, up to its
     * {@code maxConcurrency} at once. Other calls run in the default group, sized by
     * {@link #maxConcurrency}. Not for an {@link #isolated()} actor.
     */
    public ActorCreation<A> concurrencyGroup(ConcurrencyGroup<A> group) {
        if (group == null) {
            throw new IllegalArgumentException("the concurrency group is null");
        }
        concurrencyGroups.add(group);
        return this;
    }

    /** How many calls may run at once, on that many threads (default 1: calls run in order). */
    public ActorCreation<A> maxConcurrency(int maxConcurrency) {
        this.maxConcurrency = maxConcurrency;
        return this;
    }

    /**
     * Lets the actor outlive the program that made it (Ray's detached lifetime): through a connected
     * driver, it stays in the cluster after the driver ends, found by its name, until it is killed.
     * Without this, a driver's actors end with it. Needs {@link #name}. (An embedded node's actors live
     * until killed or the node closes either way.)
     */
    public ActorCreation<A> detached() {
        this.detached = true;
        return this;
    }

    /**
     * Names the actor, so {@link Mobula#getActor(String)} finds it; names are unique among live
     * actors of a namespace (the job's, unless {@link #namespace} says another).
     *
     * @throws IllegalArgumentException if the name is blank, longer than 256 characters, or holds a
     *                                  control character.
     */
    public ActorCreation<A> name(String name) {
        this.name = ActorNames.checked("name", name);
        return this;
    }

    /**
     * The namespace the actor's name belongs to (default: the job's, {@link Mobula#namespace()});
     * other jobs find it with {@link Mobula#getActor(String, String)}, or {@code getActor(name)} if
     * their namespace is this one. Needs {@link #name}.
     */
    public ActorCreation<A> namespace(String namespace) {
        this.namespace = ActorNames.checked("namespace", namespace); // blank: leave it unset for the job's
        return this;
    }

    /** Where in the cluster the actor may live (default: local first, then spill-back). */
    public ActorCreation<A> scheduling(SchedulingStrategy strategy) {
        if (strategy == null) {
            throw new IllegalArgumentException("the scheduling strategy is null; pass SchedulingStrategy.defaultStrategy()");
        }
        this.strategy = strategy;
        return this;
    }

    /**
     * Runs the actor in a worker process of its own: its constructor and its methods run there, in
     * call order. If the process dies, calls in flight fail with {@link ActorDiedException} and the
     * constructor runs again in a fresh process while {@code maxRestarts} allows; after that every
     * call fails with {@link ActorDiedException}. Arguments and results are copied (2 MiB at most
     * each, for now); {@code maxConcurrency} must stay 1.
     */
    public ActorCreation<A> isolated() {
        this.isolated = true;
        return this;
    }

    /**
     * Creates the actor. Calls may be made on the handle at once; they run after the constructor.
     *
     * @throws ActorNameTakenException if a live actor already has the name.
     * @throws IllegalArgumentException if the actor is {@link #isolated()} with {@code maxConcurrency > 1},
     *                                  or has a {@link #namespace} but no name, or its concurrency groups
     *                                  share a name or a method,
     *                                  or its constructor is a capturing lambda, or it is {@link #detached()}
     *                                  without a name.
     */
    public ActorHandle<A> remote() {
        return new ActorHandle<>(runtime.createActor(constructor, args,
            new ActorOptions(resources, maxRestarts, maxConcurrency, name, strategy, isolated, detached, namespace,
                List.copyOf(concurrencyGroups))), runtime);
    }
}
