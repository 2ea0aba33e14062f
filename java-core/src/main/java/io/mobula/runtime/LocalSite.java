package io.mobula.runtime;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.mobula.InfeasibleResourcesException;
import io.mobula.MobulaException;
import io.mobula.NodeInfo;
import io.mobula.SchedulingStrategy.PlacementGroupBundle;
import io.mobula.SchedulingStrategy;

/**
 * A node that runs its work itself: tasks on its worker threads (or, isolated, in its worker
 * processes), actors on their own threads, placement groups reserved in its own ledger.
 */
final class LocalSite implements WorkSite {
    private final NodeRuntime runtime;
    private final GroupPlacements groups;

    LocalSite(NodeRuntime runtime) {
        this.runtime = runtime;
        this.groups = new LocalGroupPlacements(runtime);
    }

    /**
     * A request must fit this node and the strategy must allow it. Work in a bundle runs on the
     * bundle's resources, which the bundle's holder keeps in the ledger, so it holds none of its own.
     */
    @Override
    public ResourceVector taskResources(String what, Map<String, Double> requested, SchedulingStrategy strategy) {
        return holding(what, requested, strategy, runtime.defaultTaskVector());
    }

    @Override
    public ActorPlacement placeActor(String what, Map<String, Double> requested, SchedulingStrategy strategy) {
        ResourceVector none = runtime.noResources();
        ResourceVector held = holding(what, requested, strategy, none);
        if (strategy instanceof PlacementGroupBundle) {
            return new ActorPlacement(held, none, true);
        }
        // without a request: placed where one CPU is free, holding none while it lives (Ray's default)
        return new ActorPlacement(held, requested == null ? runtime.defaultActorPlacement() : held, false);
    }

    private ResourceVector holding(String what, Map<String, Double> requested, SchedulingStrategy strategy,
                                   ResourceVector byDefault) {
        if (strategy instanceof PlacementGroupBundle) {
            return runtime.noResources();
        }
        if (strategy instanceof SchedulingStrategy.NodeAffinity affinity && !affinity.soft()
            && !affinity.nodeId().equals(runtime.nodeId())) {
            throw new InfeasibleResourcesException(what + " must run on node " + affinity.nodeId() + ", but this is node "
                + runtime.nodeId() + " and it is not connected to a cluster; make the affinity soft, or connect to the "
                + "cluster (Mobula.init(\"host:port\"))");
        }
        return requested == null ? byDefault : runtime.vectorOf(what, requested);
    }

    @Override
    public void isolatedWorkComing() {
        runtime.workerProcesses(); // the first isolated work starts the pool: its worker boots while arguments resolve
    }

    @Override
    public void submitTask(TaskSpec task) {
        if (task.strategy() instanceof PlacementGroupBundle bundle) {
            ObjectEntry result = task.result;
            intoBundle(bundle, task.requested(), runtime.defaultTaskVector(), "task " + task.displayName(), result,
                () -> runtime.scheduler().submit(task), result::whenReady);
        } else {
            runtime.scheduler().submit(task);
        }
    }

    /** An actor in a bundle holds its share of the bundle for life. */
    @Override
    public void submitActor(ActorRecord actor, TaskSpec creation, ActorPlacement placement) {
        if (placement.inBundle()) {
            intoBundle((PlacementGroupBundle) creation.strategy(), creation.requested(), runtime.defaultActorPlacement(),
                "actor " + actor.displayName(), creation.result, () -> runtime.scheduler().submit(creation), actor::onDeath);
        } else {
            runtime.scheduler().submit(creation);
        }
    }

    /**
     * Admits work into a bundle of a placement group held here: {@code start} runs once the bundle
     * has room; {@code onEnd} is given what frees the work's share, to run when the work ends.
     */
    private void intoBundle(PlacementGroupBundle bundle, Map<String, Double> requested, ResourceVector byDefault,
                            String what, ObjectEntry result, Runnable start, Consumer<Runnable> onEnd) {
        ResourceVector request = requested == null ? byDefault : runtime.vectorOf(what, requested);
        Bundles bundles = runtime.bundles();
        // the bundle it started in (-1 until it starts): any bundle's work learns it only then
        AtomicInteger startedIn = new AtomicInteger(-1);
        Consumer<MobulaException> fail = error -> result.complete(new StoredValues.Failed(error));
        if (bundle.bundleIndex() >= 0) {
            bundles.admit(bundle.groupId(), bundle.bundleIndex(), request, what, () -> {
                startedIn.set(bundle.bundleIndex());
                start.run();
            }, fail);
        } else {
            bundles.admitAny(bundle.groupId(), request, what, index -> () -> {
                startedIn.set(index);
                start.run();
            }, fail);
        }
        onEnd.accept(() -> {
            int index = startedIn.get();
            if (index >= 0) {
                bundles.done(bundle.groupId(), index, request);
            }
        });
    }

    /**
     * On this thread, or in a worker process; an isolated generator's values are stored here one by
     * one as its process yields them.
     */
    @Override
    public Object runTask(TaskSpec task, Object[] args) throws Exception {
        if (!task.isolated) {
            return task.function.invoke(args);
        }
        if (task.stream != null) {
            runtime.workerProcesses().runGenerator(task.descriptor, task.displayName(), args, task.attempt(),
                task::forceCancelled, value -> StreamedReturns.store(runtime, task, value));
            return StreamedReturns.PRODUCED;
        }
        return runtime.workerProcesses().runTask(task.descriptor, task.displayName(), args, task.attempt(), task::forceCancelled);
    }

    /** Its thread was interrupted, or its worker process told, by the cancel itself: nothing else runs it. */
    @Override
    public void cancelled(TaskSpec task, boolean force, boolean recursive) {
    }

    @Override
    public Object argumentValue(Object stored, ValueMarshaller marshaller) {
        return marshaller.unmarshal(stored);
    }

    @Override
    public MobulaException verdictOf(Throwable error) {
        return null; // what a function threw here is its own failure
    }

    @Override
    public ActorCalls callsFor(ActorRecord actor) {
        return new LocalActorCalls(actor, runtime);
    }

    @Override
    public Object construct(ActorRecord actor, Object[] args) throws Exception {
        TaskSpec creation = actor.creation();
        return creation.isolated
            ? runtime.workerProcesses().createActor(creation.descriptor, actor.displayName(), args)
            : creation.function.invoke(args);
    }

    @Override
    public void actorRestarting() {
        runtime.countActorRestart();
    }

    @Override
    public void claimActorName(String name, String namespace) {
        // names are this node's: its own table decides
    }

    @Override
    public void actorKilled(ActorRecord actor) {
        // it lived only here
    }

    @Override
    public boolean restartKilled(ActorRecord actor, io.mobula.ActorDiedException inFlight) {
        return actor.killForRestart(inFlight);
    }

    @Override
    public AttachedActor lookupActor(String name, String namespace) {
        return null; // no actor lives anywhere else
    }

    @Override
    public GroupPlacements placementGroups() {
        return groups;
    }

    @Override
    public ValueMarshaller.LargeValues largeValues() {
        return null;
    }

    @Override
    public String programNodeId() {
        return runtime.nodeId();
    }

    @Override
    public List<NodeInfo> nodes() {
        return List.of(new NodeInfo(runtime.nodeId(), "embedded", ProcessHandle.current().pid(), true, true,
            runtime.totalResources(), runtime.availableResources()));
    }

    @Override
    public void close() {
    }
}
