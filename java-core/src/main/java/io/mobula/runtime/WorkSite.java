package io.mobula.runtime;

import java.util.List;
import java.util.Map;

import io.mobula.MobulaException;
import io.mobula.NodeInfo;
import io.mobula.SchedulingStrategy;

/**
 * Where a node's work runs: here, on its threads and worker processes ({@link LocalSite}), or in
 * the cluster, which places it ({@link ClusterSite}: a connected driver's node, through a
 * {@link ClusterLink}). Each point where the two differ is one method here; the rest of the runtime
 * is the same for both and never asks which it is.
 */
interface WorkSite extends AutoCloseable {
    /** What {@link #runTask} returns for work whose outcome comes later, on the thread that hears it. */
    Object SENT = new Object();

    /**
     * The resources a task holds on this node while it runs or is sent.
     *
     * @throws io.mobula.InfeasibleResourcesException if its request could never be met here.
     */
    ResourceVector taskResources(String what, Map<String, Double> requested, SchedulingStrategy strategy);

    /** What a new actor holds here for life and where it is placed. */
    ActorPlacement placeActor(String what, Map<String, Double> requested, SchedulingStrategy strategy);

    /** Isolated work is being submitted (so worker processes can boot while its arguments resolve). */
    void isolatedWorkComing();

    /** Takes a new task: queued for its arguments and a worker, placed in its bundle, or sent at once. */
    void submitTask(TaskSpec task);

    /** Takes a new actor's creation: queued for a place here, or for its share of a bundle. */
    void submitActor(ActorRecord actor, TaskSpec creation, ActorPlacement placement);

    /** Runs a leased task on the calling worker thread. @return its value, or {@link #SENT}. */
    Object runTask(TaskSpec task, Object[] args) throws Exception;

    /**
     * A task or actor call was cancelled here (its spec moved to CANCELLED, its result failed);
     * where it was sent elsewhere, the cancel follows it there.
     */
    void cancelled(TaskSpec task, boolean force, boolean recursive);

    /** The value a function receives for an argument's stored form. */
    Object argumentValue(Object stored, ValueMarshaller marshaller);

    /** A failure to store as it is (the cluster's own verdict), or null: the task's failure is wrapped. */
    MobulaException verdictOf(Throwable error);

    /** How the calls of a new actor run. */
    ActorCalls callsFor(ActorRecord actor);

    /** Builds an actor's instance. @return what stands for it on this node. */
    Object construct(ActorRecord actor, Object[] args) throws Exception;

    /** An actor is being restarted by this node. */
    void actorRestarting();

    /**
     * Claims a new actor's name where names live (the node's own table is checked after).
     *
     * @throws io.mobula.ActorNameTakenException if a live actor has it.
     */
    void claimActorName(String name, String namespace);

    /** An actor was killed here; it may live elsewhere too. */
    void actorKilled(ActorRecord actor);

    /**
     * Kills the instance of {@code actor}, where it lives, and builds it again there while its
     * restarts allow; calls running on the killed instance fail with {@code inFlight}.
     *
     * @return false if no restarts were left: the actor is to be killed for good.
     */
    boolean restartKilled(ActorRecord actor, io.mobula.ActorDiedException inFlight);

    /** An actor with this name in {@code namespace} that lives elsewhere, to attach to; null if none. */
    AttachedActor lookupActor(String name, String namespace);

    GroupPlacements placementGroups();

    /** Where large values are stored instead of this node's store, or null: the node's store. */
    ValueMarshaller.LargeValues largeValues();

    /** The nodes this node's work may run on. */
    List<NodeInfo> nodes();

    /** The node a program on this node runs on, as its runtime context names it: this one, or the one it works through. */
    String programNodeId();

    @Override
    void close();

    /**
     * What an actor holds on its node and what it needs free to be placed there.
     *
     * @param inBundle it lives on a share of a placement group's bundle held here.
     */
    record ActorPlacement(ResourceVector held, ResourceVector placement, boolean inBundle) {
    }
}
