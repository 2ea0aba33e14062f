package io.mobula.spi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.mobula.NodeInfo;
import io.mobula.PlacementStrategy;
import io.mobula.RuntimeContext;
import io.mobula.StoreStats;
import io.mobula.function.RemoteFunction;

/**
 * The runtime behind the API: what {@link io.mobula.Mobula}, its refs, handles and call builders
 * ask of it. An embedded node implements it, and so does a driver connected to a cluster; the API
 * finds one through {@link RuntimeProvider}. Application code never sees it.
 * <p>
 * Refs and handles carry the runtime's own {@link ObjectState} and {@link ActorState}; a runtime is
 * only ever handed back the states it made.
 */
public interface MobulaRuntime extends AutoCloseable {
    /** Submits a task. @return the state of its result. */
    ObjectState submitTask(RemoteFunction function, Object[] args, TaskOptions options);

    /** Creates an actor; calls may be made on it at once. */
    ActorState createActor(RemoteFunction constructor, Object[] args, ActorOptions options);

    /**
     * Submits a method call on {@code actor}, in its concurrency group {@code concurrencyGroup} (null:
     * the method's group, else the default one). @return the state of its result.
     *
     * @throws IllegalArgumentException if the actor has no concurrency group of that name.
     */
    ObjectState submitActorCall(ActorState actor, RemoteFunction method, Object[] args, RetryOptions retry,
                                String concurrencyGroup);

    /** Kills an actor for good: no restart follows. */
    void kill(ActorState actor);

    /** The live actor with this name in the job's namespace, or null. */
    ActorState actorByName(String name);

    /** Stores a value (copied). */
    ObjectState put(Object value);

    /** Waits up to {@code timeoutNs} for the value; throws the task's failure or a timeout. */
    Object get(ObjectState object, long timeoutNs);

    /**
     * Waits until every object is ready or one has failed, whichever is first.
     *
     * @return the values, in order.
     * @throws io.mobula.MobulaException the first failure in order, as soon as any object has failed.
     * @throws io.mobula.GetTimeoutException if neither happens within {@code timeoutNs}.
     */
    Object[] getAll(ObjectState[] objects, long timeoutNs);

    /** Waits until {@code numReturns} objects are ready or the timeout passes. @return which are ready. */
    boolean[] waitFor(ObjectState[] objects, int numReturns, long timeoutNs);

    /** Cancels the work that makes {@code object}, not forced, recursive. @return false if it had already finished. */
    boolean cancel(ObjectState object);

    /**
     * Cancels the work that makes {@code object} as {@code Mobula.cancel(ref, force, recursive)} says.
     *
     * @return false if it had already finished.
     * @throws IllegalArgumentException if {@code force} is asked for an actor call.
     */
    boolean cancel(ObjectState object, boolean force, boolean recursive);

    /** Starts placing a placement group (reserved as soon as its bundles fit). */
    void createPlacementGroup(String id, PlacementStrategy strategy, List<Map<String, Double>> bundles);

    /** The group's bundles' node ids once placed, waiting up to {@code wait}; null if not placed by then. */
    List<String> placementGroupNodes(String id, Duration wait);

    /** Frees a placement group's bundles; work still waiting in them fails. */
    void removePlacementGroup(String id);

    /** @throws IllegalArgumentException if {@code name} or {@code amount} is not a valid resource request. */
    void checkResource(String name, double amount);

    Map<String, Double> totalResources();

    Map<String, Double> availableResources();

    /** The nodes of the cluster as last heard of; an embedded node's own alone. */
    List<NodeInfo> nodes();

    /** The GPUs given to the task or actor running on the calling thread, if this runtime runs it. */
    List<Integer> gpuIdsOfCurrentWork();

    StoreStats storeStats();

    /** The shared-memory arena file local processes map, or null where the store is private. */
    Path arenaPath();

    /** The API object in front of this runtime (so work running here can find it). */
    Object face();

    void face(Object face);

    boolean isClosed();

    @Override
    void close();

    // ---- call semantics: the runtime context, freeing objects ----

    /** Where the calling thread runs: job, node, and the task and actor it runs for, if any. */
    RuntimeContext runtimeContext();

    /**
     * Drops the objects' values now (their memory returns at once); a later read of one throws
     * {@link io.mobula.ObjectFreedException}. Freeing a freed object does nothing.
     */
    void free(ObjectState[] objects);

    // ---- multiple returns ----

    /**
     * Submits a task whose function returns a list or array of {@code numReturns} values, each
     * stored as its own object. @return the states of its results, in order.
     */
    ObjectState[] submitTaskEach(RemoteFunction function, Object[] args, TaskOptions options, int numReturns);

    /**
     * Submits a method call on {@code actor} whose method returns a list or array of {@code
     * numReturns} values, each stored as its own object (see {@link #submitActorCall}). @return the
     * states of its results, in order.
     */
    ObjectState[] submitActorCallEach(ActorState actor, RemoteFunction method, Object[] args, RetryOptions retry,
                                      String concurrencyGroup, int numReturns);

    // ---- streaming generators ----

    /** Submits a task whose function returns an iterator, iterable or stream; each value is stored as produced. */
    StreamState submitGenerator(RemoteFunction function, Object[] args, TaskOptions options);
    // ---- an actor's life: kills that restart, exits ----

    /**
     * Kills an actor's instance and builds it again while its {@code maxRestarts} allows (calls
     * running on the killed instance fail, queued ones run on the new one); with no restarts left,
     * kills it for good as {@link #kill} does.
     */
    void killAndRestart(ActorState actor);

    /**
     * Ends the actor whose method the calling thread runs, once that method returns (its result is
     * delivered); it is not restarted, and queued and later calls fail.
     *
     * @throws IllegalStateException if the calling thread runs no actor method of this runtime.
     */
    void exitCurrentActor();

    // ---- namespaces of named actors ----

    /** The job's namespace: where its named actors go, and where {@link #actorByName(String)} looks. */
    String namespace();

    /** The live actor with this name in {@code namespace}, or null. */
    ActorState actorByName(String name, String namespace);
}
