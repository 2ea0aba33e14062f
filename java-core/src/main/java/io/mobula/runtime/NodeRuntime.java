package io.mobula.runtime;

import java.lang.ref.Cleaner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.mobula.GetTimeoutException;
import io.mobula.MobulaException;
import io.mobula.NodeContext;
import io.mobula.NodeInfo;
import io.mobula.ObjectFreedException;
import io.mobula.PlacementStrategy;
import io.mobula.RuntimeClosedException;
import io.mobula.RuntimeContext;
import io.mobula.SchedulingStrategy;
import io.mobula.StoreStats;
import io.mobula.TaskCancelledException;
import io.mobula.UnserializableArgumentException;
import io.mobula.function.RemoteFunction;
import io.mobula.naming.FunctionDescriptor;
import io.mobula.spi.ActorOptions;
import io.mobula.spi.ActorState;
import io.mobula.spi.MobulaRuntime;
import io.mobula.spi.ObjectState;
import io.mobula.spi.RetryOptions;
import io.mobula.spi.TaskOptions;
import io.mobula.store.ObjectId;
import io.mobula.store.ObjectStore;
import io.mobula.store.ObjectView;
import io.mobula.store.codec.UnserializableValueException;
import io.mobula.store.codec.ValueCodec;
import io.mobula.worker.WorkerProcessPool;

/**
 * An embedded node: the object store, the local scheduler, the worker pool and the actors of one
 * process, wired together. The API ({@code io.mobula.Mobula}) is a thin face over this.
 * <p>
 * Ownership follows Ray's model in miniature: this process owns every object its tasks return and
 * every {@code put}, and an object lives as long as anything here refers to its entry.
 */
public final class NodeRuntime implements MobulaRuntime {
    private static final Map<String, Double> DEFAULT_TASK_RESOURCES = Map.of(NodeResources.CPU, 1.0);
    private static final Map<String, Double> DEFAULT_ACTOR_PLACEMENT = Map.of(NodeResources.CPU, 1.0);

    private final NodeContext context;
    /** This node's id; a new one when it comes back as a new node after being declared dead. */
    private volatile long nodeId = ThreadLocalRandom.current().nextLong();
    /** The job of the program that made this runtime (its own work's); work placed here for a driver carries its own. */
    private final String jobId = String.format("%016x", ThreadLocalRandom.current().nextLong());
    private final AtomicLong objectCounter = new AtomicLong();
    private final NodeResources resources;
    private final ResourceLedger ledger;
    private final ResourceVector defaultTaskVector;
    private final ResourceVector defaultActorPlacement;
    private final ResourceVector noResources;
    private final NodeStore nodeStore;
    private final ObjectStore store;
    private final ValueMarshaller marshaller;
    private final Idler idler;
    private final TaskExecutor executor;
    private final WorkerPool workers;
    private final LocalScheduler scheduler;
    private final ActorTable actors = new ActorTable(this);
    private final EntryWaits waits = new EntryWaits(this);
    private final NestedRefs nestedRefs = new NestedRefs();
    private final WorkSite site;
    private final Bundles bundles = new Bundles(this);
    /** Tasks submitted and not finished (queued or running), and those running now: for status. */
    private final NodeActivity activity = new NodeActivity();
    private final WorkerProcesses workerProcesses;
    private volatile Object face;
    private volatile boolean closing;

    /** A node that runs its work itself. */
    public NodeRuntime(NodeContext context) {
        this(context, (ClusterLink) null);
    }

    /** A node whose work the cluster places, sent through {@code link} (a connected driver's node). */
    public NodeRuntime(NodeContext context, ClusterLink link) {
        this.site = link == null ? new LocalSite(this) : new ClusterSite(this, link);
        this.context = context.conclude();
        this.resources = new NodeResources(context.resources());
        this.ledger = new ResourceLedger(resources);
        this.defaultTaskVector = resources.vector(DEFAULT_TASK_RESOURCES);
        this.defaultActorPlacement = resources.vector(DEFAULT_ACTOR_PLACEMENT);
        this.noResources = resources.vector(Map.of());
        this.workerProcesses = new WorkerProcesses(this.context);
        this.nodeStore = new NodeStore(context, resources.total(resources.gpuIndex()) > 0);
        this.store = nodeStore.store();
        Cleaner cleaner = Cleaner.create(r -> {
            Thread t = new Thread(r, "mobula-store-cleaner");
            t.setDaemon(true);
            return t;
        });
        ValueCodec codec = new ValueCodec(Thread.currentThread().getContextClassLoader(),
            List.of(new RuntimeHandles.ObjectRefCodec(this), new RuntimeHandles.ActorHandleCodec(this)));
        this.marshaller = new ValueMarshaller(codec, store, context.inlineThresholdBytes(), cleaner, this::newObjectId);
        if (site.largeValues() != null) {
            marshaller.storeLargeValuesIn(site.largeValues());
        }
        this.idler = new Idler(context.spinIterations(), context.spinBeforeParkNs());
        this.executor = new TaskExecutor(this);
        // As many workers as CPUs stay for good; those that blocked tasks lending their CPU called
        // for retire once idle.
        int coreWorkers = (int) Math.max(1, Math.min(context.maxWorkers(), Math.ceil(resources.total(resources.cpuIndex()) / (double) NodeResources.UNITS_PER_RESOURCE)));
        this.workers = new WorkerPool(executor, idler, coreWorkers, context.maxWorkers(), context.workerKeepAliveNs(),
            "mobula-worker-");
        this.scheduler = new LocalScheduler(resources, ledger, workers, context.ringSize(),
            context.spinBeforeParkNs() / 2, context.spinBeforeParkNs() / 2, r -> {
                Thread t = new Thread(r, "mobula-scheduler");
                t.setDaemon(true);
                return t;
            });
        workers.scheduler(scheduler);
        scheduler.start();
        if (context.isolatedWorkers() > 0) {
            workerProcesses();
        }
    }

    /**
     * The node's worker processes, starting the pool (its transport, and a first worker) at the first
     * call: {@code NodeContext.isolatedWorkers(n)} starts them with the node instead.
     */
    WorkerProcessPool workerProcesses() {
        ensureOpen();
        return workerProcesses.pool();
    }

    /** The pids of the node's worker processes alive now (empty before the first isolated use). */
    public List<Long> workerProcessPids() {
        return workerProcesses.pids();
    }

    /** The API object this runtime serves, handed to code inside tasks by {@code Mobula.current()}. */
    public Object face() {
        return face;
    }

    public void face(Object face) {
        this.face = face;
    }

    Idler idler() {
        return idler;
    }

    NestedRefs nestedRefs() {
        return nestedRefs;
    }

    ValueMarshaller marshaller() {
        return marshaller;
    }

    TaskExecutor executor() {
        return executor;
    }

    WorkSite site() {
        return site;
    }

    ResourceVector defaultTaskVector() {
        return defaultTaskVector;
    }

    ResourceVector defaultActorPlacement() {
        return defaultActorPlacement;
    }

    ResourceVector noResources() {
        return noResources;
    }

    WorkerPool workerPool() {
        return workers;
    }

    LocalScheduler scheduler() {
        return scheduler;
    }

    public boolean isClosed() {
        return closing;
    }

    public ObjectId newObjectId() {
        return new ObjectId(nodeId, objectCounter.incrementAndGet());
    }

    // ---- tasks ----

    /**
     * Submits a task, on a thread of the node or, {@code isolated}, in one of its worker processes.
     *
     * @param requested resources, or null for the default of one CPU.
     * @return the entry of its result.
     * @throws IllegalArgumentException if it is isolated and its function cannot be named in another process.
     */
    @Override
    public ObjectEntry submitTask(RemoteFunction function, Object[] args, TaskOptions options) {
        return submitTask(function, args, options.resources(), retryPolicy(options.retry()), options.strategy(), options.isolated());
    }

    private static RetryPolicy retryPolicy(RetryOptions retry) {
        return new RetryPolicy(retry.maxRetries(), retry.retryOn());
    }

    public ObjectEntry submitTask(RemoteFunction function, Object[] args, Map<String, Double> requested, RetryPolicy retry,
                                  SchedulingStrategy strategy, boolean isolated) {
        return submitTask(function, args, requested, retry, strategy, isolated, jobOfCaller());
    }

    /**
     * Submits a task of job {@code jobId} (work a node runs for a connected driver), or, null, of the
     * job of the calling task (this runtime's own outside one).
     */
    public ObjectEntry submitTask(RemoteFunction function, Object[] args, Map<String, Double> requested, RetryPolicy retry,
                                  SchedulingStrategy strategy, boolean isolated, String jobId) {
        return submit(function, args, requested, retry, strategy, isolated, jobId, 1).result;
    }

    /**
     * Submits a task returning {@code numReturns} values (one entry each when more than one), or, 0,
     * a streaming generator.
     */
    private TaskSpec submit(RemoteFunction function, Object[] args, Map<String, Double> requested, RetryPolicy retry,
                            SchedulingStrategy strategy, boolean isolated, String jobId, int numReturns) {
        ensureOpen();
        FunctionDescriptor descriptor = FunctionDescriptor.of(function);
        if (isolated) {
            descriptor.checkNamable("the task"); // found by name in another process
        }
        ResourceVector vector = site.taskResources("task " + descriptor.displayName(), requested, strategy);
        Object[] marshalled = marshaller.marshalArguments(descriptor, args, 0);
        ObjectEntry result = new ObjectEntry(newObjectId());
        TaskSpec task = new TaskSpec(TaskSpec.Kind.TASK, function, descriptor, marshalled, vector, retry, result, null,
            requested, strategy, isolated);
        task.jobId = jobId;
        if (numReturns > 1) {
            MultipleReturns.prepare(this, task, numReturns);
        } else if (numReturns == GENERATOR) {
            StreamedReturns.of(this, task);
        }
        if (isolated) {
            site.isolatedWorkComing();
        }
        result.producer(task);
        ExecutionContext context = ExecutionContext.current();
        // submitted from inside a task or an actor's method call: a recursive cancel of that reaches this one
        TaskSpec parent = context != null && context.runtime == this && context.running != null
            && context.running.kind != TaskSpec.Kind.ACTOR_CREATION ? context.running : null;
        if (parent != null && !parent.addChild(task)) {
            task.cancel(parent.forceCancelled(), true); // its parent was cancelled with its children: it never runs
            completeResults(task, TaskExecutor.cancelled(task), null);
            return task;
        }
        activity.taskSubmitted(result);
        site.submitTask(task);
        return task;
    }

    /** What this node is doing now (for status). */
    public NodeActivity.Snapshot activity() {
        return activity.snapshot(actors.aliveCount());
    }

    /** Counts an actor built again on this node (its earlier instance failed here or died with another node). */
    public void countActorRestart() {
        activity.actorRestarted();
    }

    NodeActivity activityCounters() {
        return activity;
    }

    /** The bundles of placement groups reserved on this node. */
    public Bundles bundles() {
        return bundles;
    }

    /** Where this runtime's placement groups are made: here, or (a connected driver) by the cluster. */
    public GroupPlacements placementGroups() {
        return site.placementGroups();
    }

    /**
     * A request as a vector over this node's resources.
     *
     * @throws InfeasibleResourcesException if this node could never hold it.
     */
    ResourceVector vectorOf(String what, Map<String, Double> requested) {
        return resources.feasible(what, requested);
    }

    /** This node's id (16 hex digits), as {@link io.mobula.NodeInfo#id()} and node affinity name it. */
    public String nodeId() {
        return String.format("%016x", nodeId);
    }

    /**
     * This node was declared dead while it lived (cut off) and comes back as a new node: what it
     * makes from now on carries a new id; what it held for others under the old one it let go.
     */
    public void takeNewId() {
        nodeId = ThreadLocalRandom.current().nextLong();
    }

    /** The cluster's nodes as this node knows them; just this one on an embedded node. */
    public List<NodeInfo> nodes() {
        return site.nodes();
    }

    // ---- actors ----

    /**
     * Creates an actor: queued until the node can place it, then its constructor runs on its own
     * thread. Calls made before that wait in its mailbox.
     *
     * @param requested resources held for the actor's life, or null: placed where one CPU is free,
     *                  and holding none while it lives (Ray's default).
     * @param detached  a connected driver's actor that outlives the driver (it must be named).
     */
    @Override
    public ActorRecord createActor(RemoteFunction constructor, Object[] args, ActorOptions options) {
        return actors.create(constructor, args, options.resources(), options.maxRestarts(), options.maxConcurrency(),
            options.name(), options.strategy(), options.isolated(), options.detached(), options.namespace(),
            ConcurrencyGroups.of(options.maxConcurrency(), options.concurrencyGroups(),
                FunctionDescriptor.of(constructor).displayName()));
    }

    /**
     * A driver's actor this node builds: unnamed (its name is the cluster's), with the concurrency
     * groups {@code groups} as the driver declared them, of job {@code jobId}, built
     * {@code earlierBuilds} times before on nodes that died.
     */
    public ActorRecord createActor(RemoteFunction constructor, Object[] args, Map<String, Double> requested,
                                   int maxRestarts, int maxConcurrency, SchedulingStrategy strategy, boolean isolated,
                                   List<ConcurrencyGroups.Declared> groups, String jobId, int earlierBuilds) {
        return actors.create(constructor, args, requested, maxRestarts, maxConcurrency, null, strategy, isolated, false, null,
            ConcurrencyGroups.ofDeclared(maxConcurrency, groups, FunctionDescriptor.of(constructor).displayName()),
            jobId, earlierBuilds);
    }

    /** An actor named (if at all) in the job's namespace. */
    public ActorRecord createActor(RemoteFunction constructor, Object[] args, Map<String, Double> requested,
                                   int maxRestarts, int maxConcurrency, String name, SchedulingStrategy strategy,
                                   boolean isolated, boolean detached) {
        return actors.create(constructor, args, requested, maxRestarts, maxConcurrency, name, strategy, isolated, detached, null,
            ConcurrencyGroups.only(maxConcurrency));
    }

    @Override
    public ObjectEntry submitActorCall(ActorState actor, RemoteFunction method, Object[] args, RetryOptions retry,
                                       String concurrencyGroup) {
        return actors.call((ActorRecord) actor, method, args, retryPolicy(retry), concurrencyGroup, 1).result;
    }

    @Override
    public ObjectEntry[] submitActorCallEach(ActorState actor, RemoteFunction method, Object[] args, RetryOptions retry,
                                             String concurrencyGroup, int numReturns) {
        if (numReturns < 1) {
            throw new IllegalArgumentException("numReturns must be >= 1, got " + numReturns);
        }
        return actors.call((ActorRecord) actor, method, args, retryPolicy(retry), concurrencyGroup, numReturns).results();
    }

    /** Queues a method call on an actor, in its method's concurrency group (else the default one). */
    public ObjectEntry submitActorCall(ActorRecord actor, RemoteFunction method, Object[] args, RetryPolicy retry) {
        return actors.call(actor, method, args, retry, null, 1).result;
    }

    /**
     * Queues a method call on an actor in concurrency group {@code group} (null: its method's, else
     * the default one).
     *
     * @throws IllegalArgumentException if the actor has no group called {@code group}.
     */
    public ObjectEntry submitActorCall(ActorRecord actor, RemoteFunction method, Object[] args, RetryPolicy retry,
                                       String group) {
        return actors.call(actor, method, args, retry, group, 1).result;
    }

    @Override
    public void kill(ActorState actor) {
        actors.kill((ActorRecord) actor);
    }

    @Override
    public void killAndRestart(ActorState actor) {
        actors.killAndRestart((ActorRecord) actor);
    }

    @Override
    public void exitCurrentActor() {
        ExecutionContext context = ExecutionContext.current();
        if (context == null || context.runtime != this || context.actor == null) {
            throw new IllegalStateException("Mobula.exitActor() works only inside an actor's method; to end an actor from "
                + "outside, call kill(handle) on it");
        }
        if (context.running == null || context.running.kind != TaskSpec.Kind.ACTOR_CALL) {
            throw new IllegalStateException("Mobula.exitActor() was called from actor " + context.actor.displayName()
                + "'s constructor; call it from one of its methods, or throw from the constructor to fail the creation");
        }
        context.actor.requestExit(context.running);
    }

    /**
     * Ends {@code actor} for a reason other than a kill asked for (its node was declared dead, say):
     * its queued and running calls fail with {@code cause}, which their callers read as such.
     */
    public void end(ActorRecord actor, io.mobula.MobulaException cause) {
        actors.end(actor, cause);
    }

    /**
     * The live actor with this name in the job's namespace: this node's, or (connected to a cluster)
     * one anywhere in it, attached to.
     */
    @Override
    public ActorRecord actorByName(String name) {
        return actors.byName(name, namespace());
    }

    @Override
    public ActorRecord actorByName(String name, String namespace) {
        return actors.byName(name, namespace);
    }

    @Override
    public String namespace() {
        return context.namespace();
    }

    public ActorRecord actorById(long id) {
        return actors.byId(id);
    }

    /** An actor died: forget its name and, if it held resources, give them back. */
    void actorDied(ActorRecord actor, boolean started) {
        actors.died(actor, started);
    }

    // ---- objects ----

    public ObjectEntry put(Object value) {
        ensureOpen();
        ObjectId id = newObjectId();
        try {
            return new ObjectEntry(id, marshaller.marshal(value, id));
        } catch (UnserializableValueException e) {
            throw new UnserializableArgumentException("the value passed to put (" + value.getClass().getName()
                + ") cannot be serialized: " + e.getMessage(), 0, e.type(), e);
        }
    }

    /**
     * The value of an entry, waiting up to {@code timeoutNs}.
     *
     * @throws GetTimeoutException if it is not ready in time.
     * @throws MobulaException     the stored failure (a {@code TaskException}, a cancel, a dead actor).
     */
    @Override
    public Object get(ObjectState object, long timeoutNs) {
        return get((ObjectEntry) object, timeoutNs);
    }

    public Object get(ObjectEntry entry, long timeoutNs) {
        ensureOpen();
        Object stored = entry.stored();
        if (stored == null) {
            stored = awaitStored(entry, timeoutNs);
            if (stored == null) {
                throw new GetTimeoutException("object " + entry.id() + " was not ready within "
                    + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms; wait longer, or check the task that makes it");
            }
        }
        try {
            return marshaller.unmarshal(stored);
        } catch (MobulaException e) {
            throw entry.isFreed() && !(e instanceof ObjectFreedException) ? entry.freedError() : e; // freed while read
        }
    }

    /**
     * The values of entries, in order, once all are ready; the first failure in order as soon as
     * any has failed.
     *
     * @throws GetTimeoutException if neither happens within {@code timeoutNs}.
     */
    @Override
    public Object[] getAll(ObjectState[] objects, long timeoutNs) {
        ensureOpen();
        if (!waits.awaitAllOrFailure(objects, timeoutNs)) {
            int ready = 0;
            for (ObjectState object : objects) {
                ready += object.isReady() ? 1 : 0;
            }
            throw new GetTimeoutException(ready + " of " + objects.length + " objects were ready within "
                + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms and none had failed; wait longer, or check the tasks"
                + " that make them");
        }
        for (ObjectState object : objects) {
            if (((ObjectEntry) object).stored() instanceof StoredValues.Failed failed) {
                marshaller.unmarshal(failed); // throws its failure
            }
        }
        Object[] values = new Object[objects.length];
        for (int i = 0; i < objects.length; i++) {
            values[i] = marshaller.unmarshal(((ObjectEntry) objects[i]).stored());
        }
        return values;
    }

    /** Waits for an entry's stored form; null on timeout. */
    Object awaitStored(ObjectEntry entry, long timeoutNs) {
        return waits.awaitStored(entry, timeoutNs);
    }

    /**
     * Waits until {@code numReturns} of the entries are ready or the timeout passes.
     *
     * @return which entries were ready when the wait ended.
     */
    @Override
    public boolean[] waitFor(ObjectState[] objects, int numReturns, long timeoutNs) {
        ensureOpen();
        return waits.waitFor(objects, numReturns, timeoutNs);
    }

    /**
     * Cancels the task or actor call that makes an entry, not forced, recursive: a queued one never
     * runs, a running one is interrupted. Its result fails with {@code TaskCancelledException}.
     *
     * @return true if something was cancelled; false if it had already finished (or was a put).
     */
    @Override
    public boolean cancel(ObjectState object) {
        return cancel((ObjectEntry) object, false, true);
    }

    public boolean cancel(ObjectEntry entry) {
        return cancel(entry, false, true);
    }

    @Override
    public boolean cancel(ObjectState object, boolean force, boolean recursive) {
        return cancel((ObjectEntry) object, force, recursive);
    }

    /**
     * Cancels the task or actor call that makes an entry (see {@code Mobula.cancel(ref, force,
     * recursive)}): a queued one never runs; a running one is interrupted, or, forced and isolated,
     * its worker process killed; one this node sent to the cluster is cancelled where it runs.
     * Recursive: the tasks it submitted while running (and submits from now on) are cancelled the
     * same way. Its result fails with {@code TaskCancelledException} at once. A forced cancel of one
     * cancelled before without force kills what still runs of it (and returns false).
     *
     * @return true if something was cancelled; false if it had already finished (or was a put).
     * @throws IllegalArgumentException if {@code force} is asked for an actor call.
     */
    public boolean cancel(ObjectEntry entry, boolean force, boolean recursive) {
        ensureOpen();
        TaskSpec task = entry.producer();
        if (task == null) {
            return false;
        }
        if (force && task.kind == TaskSpec.Kind.ACTOR_CALL) {
            throw new IllegalArgumentException("force cannot cancel " + task.displayName() + ", a call on an actor: killing "
                + "its work would kill the actor. Cancel it without force (a queued call is dropped, a running one "
                + "interrupted), or kill the actor");
        }
        if (!task.cancel(force, recursive)) {
            if (force && task.forceAfterCancel()) {
                site.cancelled(task, true, recursive); // cancelled before without force: kill what still runs
            }
            return false;
        }
        completeResults(task, TaskExecutor.cancelled(task), null);
        task.keepForForce();
        if (task.kind == TaskSpec.Kind.TASK) {
            scheduler.cancelled(task);
        }
        site.cancelled(task, force, recursive);
        if (recursive) {
            for (TaskSpec child : task.children()) { // kept past its end once cancelled
                cancel(child.result, force, true);
            }
        }
        return true;
    }

    public Map<String, Double> totalResources() {
        return resources.totalsAsMap();
    }

    public Map<String, Double> availableResources() {
        return ledger.availableAsMap();
    }

    @Override
    public void createPlacementGroup(String id, PlacementStrategy strategy, List<Map<String, Double>> bundles) {
        placementGroups().create(id, strategy, bundles);
    }

    @Override
    public List<String> placementGroupNodes(String id, Duration wait) {
        return placementGroups().nodesOf(id, wait);
    }

    @Override
    public void removePlacementGroup(String id) {
        placementGroups().remove(id);
    }

    @Override
    public void checkResource(String name, double amount) {
        NodeResources.toUnits(name, amount);
    }

    @Override
    public List<Integer> gpuIdsOfCurrentWork() {
        ExecutionContext context = ExecutionContext.current();
        if (context == null || context.runtime() != this) {
            return List.of();
        }
        List<Integer> ids = new ArrayList<>();
        for (int id : context.gpuIds()) {
            ids.add(id);
        }
        return List.copyOf(ids);
    }

    @Override
    public StoreStats storeStats() {
        return store.stats();
    }

    /** The arena file other local processes map, or null when the store is private to this process. */
    /** This node's object store (the node daemon's object manager serves it and pulls into it). */
    public ObjectStore objectStore() {
        return store;
    }

    /** A pinned view of an object in this node's store (close it when done), or null if it is not there. */
    public ObjectView storedObject(ObjectId id) {
        return store.get(id, 0);
    }

    public Path arenaPath() {
        return nodeStore.arenaPath();
    }

    // ---- call semantics: the runtime context, freeing objects ----

    /** The job of the program that made this runtime (16 hex digits). */
    public String jobId() {
        return jobId;
    }

    /** What the calling thread runs for this runtime (a task, an actor call), or null. */
    private ExecutionContext contextHere() {
        ExecutionContext context = ExecutionContext.current();
        return context != null && context.runtime() == this ? context : null;
    }

    /** The job of work submitted from the calling thread now: its task's or actor's; null for this runtime's own. */
    String jobOfCaller() {
        ExecutionContext context = contextHere();
        if (context == null) {
            return null;
        }
        if (context.running != null && context.running.jobId != null) {
            return context.running.jobId;
        }
        return context.actor != null ? context.actor.jobId() : null;
    }

    @Override
    public RuntimeContext runtimeContext() {
        ensureOpen();
        String job = jobOfCaller();
        ExecutionContext context = contextHere();
        TaskSpec running = context == null ? null : context.running;
        ActorRecord actor = context == null ? null : context.actor;
        return new RuntimeContext(job != null ? job : jobId, context == null ? site.programNodeId() : nodeId(),
            running == null ? Optional.empty() : Optional.of(running.taskId()),
            actor == null ? OptionalLong.empty() : OptionalLong.of(actor.id()),
            actor != null && actor.wasRestarted());
    }

    @Override
    public void free(ObjectState[] objects) {
        ensureOpen();
        for (ObjectState object : objects) {
            ObjectEntry entry = (ObjectEntry) object;
            Object dropped = entry.free(freedForm(entry));
            if (dropped != null) {
                marshaller.drop(dropped);
            }
        }
    }

    /** What a freed entry holds: a failure that names it. */
    private static StoredValues.Failed freedForm(ObjectEntry entry) {
        return new StoredValues.Failed(new ObjectFreedException(entry.id().toString()));
    }

    /**
     * Stores the outcome of work in its result entry; if the entry was freed meanwhile (or settled
     * otherwise), the value is dropped at once instead of waiting for the collector.
     */
    void completeResult(ObjectEntry entry, Object stored) {
        if (!entry.complete(stored) && entry.isFreed()) {
            marshaller.drop(stored);
        }
    }

    // ---- streaming generators ----

    /** {@link #submit}'s count of returns for a streaming generator. */
    private static final int GENERATOR = 0;

    @Override
    public StreamedReturns submitGenerator(RemoteFunction function, Object[] args, TaskOptions options) {
        return submitGenerator(function, args, options.resources(), retryPolicy(options.retry()), options.strategy(),
            options.isolated(), jobOfCaller());
    }

    /**
     * Submits a streaming generator task of job {@code jobId} (work a node runs for a connected
     * driver), or, null, of the job of the calling task: here, in a worker process ({@code isolated}),
     * or, through a connected driver, on the node the cluster places it on.
     */
    public StreamedReturns submitGenerator(RemoteFunction function, Object[] args, Map<String, Double> requested,
                                           RetryPolicy retry, SchedulingStrategy strategy, boolean isolated, String jobId) {
        return submit(function, args, requested, retry, strategy, isolated, jobId, GENERATOR).stream;
    }

    // ---- multiple returns ----

    @Override
    public ObjectEntry[] submitTaskEach(RemoteFunction function, Object[] args, TaskOptions options, int numReturns) {
        if (numReturns < 1) {
            throw new IllegalArgumentException("numReturns must be >= 1, got " + numReturns);
        }
        TaskSpec task = submit(function, args, options.resources(), retryPolicy(options.retry()), options.strategy(),
            options.isolated(), jobOfCaller(), numReturns);
        return task.results();
    }

    /**
     * Stores a finished task's outcome in its results: {@code each} holds one stored form per result
     * (a task of several returns that returned them), else every result gets {@code stored} (one
     * result, or a failure). The first result is completed last, so whoever sees it sees all.
     */
    void completeResults(TaskSpec task, Object stored, Object[] each) {
        ObjectEntry[] more = task.moreResults;
        if (more != null) {
            for (int i = 0; i < more.length; i++) {
                completeResult(more[i], each != null ? each[i + 1] : stored);
            }
        }
        completeResult(task.result, each != null ? each[0] : stored);
    }

    // ---- lifecycle ----

    @Override
    public void close() {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
        }
        long timeoutNs = context.shutdownTimeoutNs();
        actors.stopAll();
        workerProcesses.close();
        scheduler.stop(timeoutNs);
        workers.stop(TimeUnit.NANOSECONDS.toMillis(timeoutNs));
        nodeStore.close();
        site.close();
    }


    void ensureOpen() {
        if (closing) {
            throw new RuntimeClosedException("this Mobula runtime is closed; start a new one with Mobula.init()");
        }
    }


}
