package io.mobula.runtime;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.mobula.ActorDiedException;
import io.mobula.ActorUnavailableException;
import io.mobula.ActorNameTakenException;
import io.mobula.RuntimeClosedException;
import io.mobula.SchedulingStrategy;
import io.mobula.function.RemoteFunction;
import io.mobula.naming.FunctionDescriptor;

/**
 * The actors of one node, by id and by name: creating them (checked, placed through the node's
 * {@link WorkSite}), calling them, killing them, and forgetting them when they die.
 */
final class ActorTable {
    private final NodeRuntime runtime;
    private final AtomicLong counter = new AtomicLong();
    private final Map<Long, ActorRecord> actors = new ConcurrentHashMap<>();
    /** The named actors, by namespace and name: a name is unique within its namespace. */
    private final Map<NamespacedName, ActorRecord> named = new ConcurrentHashMap<>();

    private record NamespacedName(String namespace, String name) {
    }

    ActorTable(NodeRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * Creates an actor: queued until the node can place it, then its constructor runs on its own
     * thread. Calls made before that wait in its mailbox.
     *
     * @param requested resources held for the actor's life, or null: placed where one CPU is free,
     *                  and holding none while it lives (Ray's default).
     * @param detached  a connected driver's actor that outlives the driver (it must be named).
     * @param namespace where its name is unique, or null: the job's namespace.
     */
    ActorRecord create(RemoteFunction constructor, Object[] args, Map<String, Double> requested,
                                   int maxRestarts, int maxConcurrency, String name, SchedulingStrategy strategy,
                                   boolean isolated, boolean detached, String namespace, ConcurrencyGroups groups) {
        return create(constructor, args, requested, maxRestarts, maxConcurrency, name, strategy, isolated, detached,
            namespace, groups, runtime.jobOfCaller(), 0);
    }

    /**
     * @param jobId         the job the actor belongs to (work placed here for a driver's job), or null: this node's own.
     * @param earlierBuilds times it was built before on nodes that died (its owner builds it again here).
     */
    ActorRecord create(RemoteFunction constructor, Object[] args, Map<String, Double> requested,
                       int maxRestarts, int maxConcurrency, String name, SchedulingStrategy strategy,
                       boolean isolated, boolean detached, String namespace, ConcurrencyGroups groups, String jobId,
                       int earlierBuilds) {
        runtime.ensureOpen();
        FunctionDescriptor descriptor = FunctionDescriptor.of(constructor);
        if (maxRestarts < 0) {
            throw new IllegalArgumentException("maxRestarts must be >= 0, got " + maxRestarts);
        }
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("maxConcurrency must be >= 1, got " + maxConcurrency);
        }
        if (name != null && name.isBlank()) {
            throw new IllegalArgumentException("an actor name must not be blank");
        }
        if (namespace != null && name == null) {
            throw new IllegalArgumentException("namespace(\"" + namespace + "\") places an actor's name, but the actor has none: "
                + "add .name(\"...\"), or drop the namespace");
        }
        String space = namespace == null ? runtime.namespace() : namespace;
        if (detached && name == null) {
            throw new IllegalArgumentException("a detached actor outlives the program that made it, so it needs a name to be "
                + "found by: add .name(\"...\")");
        }
        if (isolated && groups.named()) {
            throw new IllegalArgumentException("an isolated actor runs one call at a time in its worker process, so it cannot "
                + "have concurrency groups; drop isolated() or the groups");
        }
        if (isolated) {
            descriptor.checkNamable("the actor constructor");
            if (maxConcurrency > 1) {
                throw new IllegalArgumentException("an isolated actor runs one call at a time in its worker process, so "
                    + "maxConcurrency must be 1 (got " + maxConcurrency + "); drop isolated() or maxConcurrency");
            }
        }
        WorkSite.ActorPlacement placement = runtime.site().placeActor("actor " + descriptor.displayName(), requested, strategy);
        ResourceVector held = placement.held();
        Object[] marshalled = runtime.marshaller().marshalArguments(descriptor, args, 0);
        ObjectEntry created = new ObjectEntry(runtime.newObjectId());
        long id = counter.incrementAndGet();
        TaskSpec creation = new TaskSpec(TaskSpec.Kind.ACTOR_CREATION, constructor, descriptor, marshalled, held,
            RetryPolicy.NONE, created, null, requested, strategy, isolated);
        ActorRecord actor = new ActorRecord(id, name, space, creation, placement.placement(), held, maxRestarts, maxConcurrency,
            groups, detached, runtime, runtime.idler());
        actor.job(jobId);
        actor.builtBefore(earlierBuilds);
        TaskSpec placed = new TaskSpec(TaskSpec.Kind.ACTOR_CREATION, constructor, descriptor, marshalled, held,
            RetryPolicy.NONE, created, actor, requested, strategy, isolated);
        if (isolated) {
            runtime.site().isolatedWorkComing();
        }
        if (name != null && !(constructor instanceof AttachedActor)) {
            runtime.site().claimActorName(name, space);
        }
        if (name != null) {
            ActorRecord previous = named.putIfAbsent(new NamespacedName(space, name), actor);
            if (previous != null) {
                throw new ActorNameTakenException("an actor named '" + name + "' already exists in namespace '" + space + "' ("
                    + previous.displayName() + "); pick another name, or look it up with getActor(\"" + name + "\", \""
                    + space + "\")");
            }
        }
        actors.put(id, actor);
        runtime.site().submitActor(actor, placed, placement);
        return actor;
    }

    /**
     * Queues a method call on an actor, in concurrency group {@code group} (null: its method's group,
     * else the default one); with {@code numReturns > 1}, each of the values its method returns is
     * stored as its own result. @return the call, whose results are the caller's refs.
     *
     * @throws IllegalArgumentException if the actor has no group called {@code group}.
     */
    TaskSpec call(ActorRecord actor, RemoteFunction method, Object[] args, RetryPolicy retry, String group, int numReturns) {
        runtime.ensureOpen();
        FunctionDescriptor descriptor = FunctionDescriptor.of(method);
        int lane = actor.laneOf(descriptor, group);
        Object[] marshalled = runtime.marshaller().marshalArguments(descriptor, args, 1);
        ObjectEntry result = new ObjectEntry(runtime.newObjectId());
        TaskSpec call = new TaskSpec(TaskSpec.Kind.ACTOR_CALL, method, descriptor, marshalled, runtime.noResources(), retry, result, actor,
            null, null, false);
        call.actorLane = lane;
        if (numReturns > 1) {
            MultipleReturns.prepare(runtime, call, numReturns);
        }
        result.producer(call);
        actor.submit(call);
        return call;
    }

    void kill(ActorRecord actor) {
        runtime.ensureOpen();
        actor.kill(new ActorDiedException(describe(actor) + " was killed"));
        runtime.site().actorKilled(actor);
    }

    /**
     * Kills the actor's instance and builds it again while its restarts allow (Ray's
     * {@code kill(actor, no_restart=False)}); with none left, kills it for good.
     */
    void killAndRestart(ActorRecord actor) {
        runtime.ensureOpen();
        boolean restarting = runtime.site().restartKilled(actor, new ActorUnavailableException(describe(actor) + " was killed while "
            + "this call ran; it restarts (maxRestarts=" + actor.maxRestarts() + "), and later calls run on the new instance"));
        if (!restarting) {
            actor.kill(new ActorDiedException(describe(actor) + " was killed with a restart asked for, but no restarts are left "
                + "(maxRestarts=" + actor.maxRestarts() + "); create it again, with a higher maxRestarts if it should survive this"));
            runtime.site().actorKilled(actor);
        }
    }

    private static String describe(ActorRecord actor) {
        return "actor " + actor.displayName() + (actor.name() == null ? "" : " '" + actor.name() + "'");
    }

    /** Ends the actor for a reason other than a kill asked for: its queued and running calls fail with {@code cause}. */
    void end(ActorRecord actor, io.mobula.MobulaException cause) {
        runtime.ensureOpen();
        actor.kill(cause);
        runtime.site().actorKilled(actor);
    }

    /**
     * The live actor with this name in {@code namespace}: this node's, or (connected to a cluster)
     * one anywhere in it, attached to.
     */
    ActorRecord byName(String name, String namespace) {
        runtime.ensureOpen();
        if (name == null) {
            return null;
        }
        NamespacedName key = new NamespacedName(namespace, name);
        ActorRecord here = named.get(key);
        if (here != null) {
            return here;
        }
        AttachedActor elsewhere = runtime.site().lookupActor(name, namespace);
        if (elsewhere == null) {
            return null;
        }
        try {
            return create(elsewhere, new Object[0], null, 0, 1, name, SchedulingStrategy.defaultStrategy(), false, false,
                namespace, ConcurrencyGroups.only(1));
        } catch (ActorNameTakenException e) {
            return named.get(key); // another thread attached first
        }
    }

    ActorRecord byId(long id) {
        return actors.get(id);
    }

    /** An actor died: forget its name and, if it held resources, give them back. */
    void died(ActorRecord actor, boolean started) {
        if (actor.name() != null) {
            named.remove(new NamespacedName(actor.namespace(), actor.name()), actor);
        }
        actors.remove(actor.id(), actor);
        if (started && actor.claimResourceReturn() && !runtime.isClosed()) {
            runtime.scheduler().actorDead(actor);
        }
    }

    long aliveCount() {
        return actors.values().stream().filter(actor -> !actor.isDead()).count();
    }

    /** The node closes: every actor stops. */
    void stopAll() {
        for (ActorRecord actor : List.copyOf(actors.values())) {
            actor.kill(new RuntimeClosedException("the Mobula runtime closed; actor " + actor.displayName() + " was stopped"));
        }
    }
}
