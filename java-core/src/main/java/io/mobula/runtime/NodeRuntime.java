package io.mobula.runtime;

import java.lang.ref.Cleaner;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.mobula.naming.FunctionDescriptor;
import io.mobula.ActorDiedException;
import io.mobula.ActorNameTakenException;
import io.mobula.GetTimeoutException;
import io.mobula.InfeasibleResourcesException;
import io.mobula.MobulaException;
import io.mobula.NodeContext;
import io.mobula.NodeInfo;
import io.mobula.PlacementStrategy;
import io.mobula.ObjectRef;
import io.mobula.RuntimeClosedException;
import io.mobula.SchedulingStrategy;
import io.mobula.TaskCancelledException;
import io.mobula.UnserializableArgumentException;
import io.mobula.StoreStats;
import io.mobula.function.RemoteFunction;
import io.mobula.spi.ActorOptions;
import io.mobula.spi.ActorState;
import io.mobula.spi.MobulaRuntime;
import io.mobula.spi.ObjectState;
import io.mobula.spi.RetryOptions;
import io.mobula.spi.TaskOptions;
import io.mobula.store.InProcessObjectStore;
import io.mobula.store.ObjectId;
import io.mobula.store.ObjectStore;
import io.mobula.store.StoreContext;
import io.mobula.store.arena.SharedArenaStore;
import io.mobula.store.codec.UnserializableValueException;
import io.mobula.store.codec.ValueCodec;

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
    private final AtomicLong objectCounter = new AtomicLong();
    private final AtomicLong actorCounter = new AtomicLong();
    private final NodeResources resources;
    private final ResourceLedger ledger;
    private final ResourceVector defaultTaskVector;
    private final ResourceVector defaultActorPlacement;
    private final ResourceVector noResources;
    private final ObjectStore store;
    private final ValueMarshaller marshaller;
    private final Idler idler;
    private final TaskExecutor executor;
    private final WorkerPool workers;
    private final LocalScheduler scheduler;
    private final Map<Long, ActorRecord> actors = new ConcurrentHashMap<>();
    private final Map<String, ActorRecord> namedActors = new ConcurrentHashMap<>();
    private final Map<ObjectId, WeakReference<ObjectEntry>> exported = new ConcurrentHashMap<>();
    private final AtomicInteger exportsSinceSweep = new AtomicInteger();
    private final List<io.mobula.spi.HostMemoryPinner> pinners;
    private final TaskInvoker invoker;
    private final Bundles bundles = new Bundles(this);
    /** Tasks submitted and not finished (queued or running), and those running now: for status. */
    private final java.util.concurrent.atomic.AtomicLong unfinished = new java.util.concurrent.atomic.AtomicLong();
    final java.util.concurrent.atomic.AtomicLong running = new java.util.concurrent.atomic.AtomicLong();
    private final GroupPlacements localGroups = new LocalGroupPlacements(this);
    /** Worker processes for isolated tasks and actors: started with the node or at first use. */
    private volatile io.mobula.worker.WorkerProcessPool workerProcesses;
    private volatile Object face;
    private volatile boolean closing;

    public NodeRuntime(NodeContext context) {
        this(context, TaskInvoker.LOCAL);
    }

    /** A node whose tasks run through {@code invoker} (a connected driver's forwards them). */
    public NodeRuntime(NodeContext context, TaskInvoker invoker) {
        this.invoker = invoker;
        this.context = context.conclude();
        this.resources = new NodeResources(context.resources());
        this.ledger = new ResourceLedger(resources);
        this.defaultTaskVector = resources.vector(DEFAULT_TASK_RESOURCES);
        this.defaultActorPlacement = resources.vector(DEFAULT_ACTOR_PLACEMENT);
        this.noResources = resources.vector(Map.of());
        StoreContext storeContext = new StoreContext()
            .capacityBytes(context.storeCapacityBytes())
            .createTimeoutNs(context.storeCreateTimeoutNs())
            .pressureHook(System::gc) // objects are freed when their refs are collected
            .spillDirectory(context.spillDirectory() != null ? context.spillDirectory() : SharedArenaStore.defaultSpillDirectory());
        this.store = context.sharedArena()
            ? SharedArenaStore.inSharedMemory(storeContext, context.prefaultArena())
            : new InProcessObjectStore(storeContext);
        Cleaner cleaner = Cleaner.create(r -> {
            Thread t = new Thread(r, "mobula-store-cleaner");
            t.setDaemon(true);
            return t;
        });
        ValueCodec codec = new ValueCodec(Thread.currentThread().getContextClassLoader(),
            List.of(new RuntimeHandles.ObjectRefCodec(this), new RuntimeHandles.ActorHandleCodec(this)));
        this.marshaller = new ValueMarshaller(codec, store, context.inlineThresholdBytes(), cleaner, this::newObjectId);
        if (invoker.largeValues() != null) {
            marshaller.storeLargeValuesIn(invoker.largeValues());
        }
        this.idler = new Idler(context.spinIterations(), context.spinBeforeParkNs());
        this.executor = new TaskExecutor(this);
        this.workers = new WorkerPool(executor, idler, context.maxWorkers(), "mobula-worker-");
        this.scheduler = new LocalScheduler(resources, ledger, workers, context.ringSize(),
            context.spinBeforeParkNs() / 2, context.spinBeforeParkNs() / 2, r -> {
                Thread t = new Thread(r, "mobula-scheduler");
                t.setDaemon(true);
                return t;
            });
        workers.scheduler(scheduler);
        scheduler.start();
        this.pinners = pinStoreForDevices();
        if (context.isolatedWorkers() > 0) {
            workerProcesses();
        }
    }

    /**
     * The node's worker processes, starting the pool (its transport, and a first worker) at the first
     * call: {@code NodeContext.isolatedWorkers(n)} starts them with the node instead.
     */
    io.mobula.worker.WorkerProcessPool workerProcesses() {
        io.mobula.worker.WorkerProcessPool pool = workerProcesses;
        if (pool == null) {
            synchronized (this) {
                ensureOpen();
                pool = workerProcesses;
                if (pool == null) {
                    int n = context.isolatedWorkers();
                    pool = new io.mobula.worker.WorkerProcessPool(Math.max(1, n), n,
                        TimeUnit.NANOSECONDS.toMillis(context.shutdownTimeoutNs()));
                    workerProcesses = pool;
                }
            }
        }
        return pool;
    }

    /** The pids of the node's worker processes alive now (empty before the first isolated use). */
    public List<Long> workerProcessPids() {
        io.mobula.worker.WorkerProcessPool pool = workerProcesses;
        return pool == null ? List.of() : pool.pids();
    }

    /** With GPUs and a shared store: page-lock the store for the devices (through the pinners found). */
    private List<io.mobula.spi.HostMemoryPinner> pinStoreForDevices() {
        if (!(store instanceof SharedArenaStore arena) || resources.total(resources.gpuIndex()) == 0) {
            return List.of();
        }
        List<io.mobula.spi.HostMemoryPinner> found = new java.util.ArrayList<>();
        for (io.mobula.spi.HostMemoryPinner pinner : java.util.ServiceLoader.load(io.mobula.spi.HostMemoryPinner.class)) {
            pinner.attach(arena.dataRegion());
            found.add(pinner);
        }
        return List.copyOf(found);
    }

    /** The API object this runtime serves, handed to code inside tasks by {@code Mobula.current()}. */
    public Object face() {
        return face;
    }

    public void face(Object face) {
        this.face = face;
    }

    ValueMarshaller marshaller() {
        return marshaller;
    }

    TaskExecutor executor() {
        return executor;
    }

    TaskInvoker invoker() {
        return invoker;
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
        ensureOpen();
        FunctionDescriptor descriptor = FunctionDescriptor.of(function);
        if (isolated) {
            checkIsolatable(descriptor, "the task");
        }
        ResourceVector vector = placement("task " + descriptor.displayName(), requested, strategy, defaultTaskVector);
        Object[] marshalled = marshalArguments(descriptor, args, 0);
        ObjectEntry result = new ObjectEntry(newObjectId());
        TaskSpec task = new TaskSpec(TaskSpec.Kind.TASK, function, descriptor, marshalled, vector, retry, result, null,
            requested, strategy, isolated);
        if (isolated && !invoker.placesElsewhere()) {
            workerProcesses(); // the first isolated task starts the pool: its worker boots while arguments resolve
        }
        result.producer(task);
        unfinished.incrementAndGet();
        result.whenReady(unfinished::decrementAndGet);
        if (invoker.placesElsewhere() && LocalScheduler.argumentsReady(task)) {
            executor.sendNow(task); // a connected driver: the cluster places it, nothing here to schedule
        } else if (strategy instanceof SchedulingStrategy.PlacementGroupBundle bundle && !invoker.placesElsewhere()) {
            intoBundle(bundle, requested, defaultTaskVector, "task " + descriptor.displayName(), result,
                () -> scheduler.submit(task), release -> result.whenReady(release));
        } else {
            scheduler.submit(task);
        }
        return result;
    }

    /**
     * Admits work into a bundle of a placement group held here: {@code start} runs once the bundle
     * has room; {@code onEnd} is given what frees the work's share, to run when the work ends.
     */
    private void intoBundle(SchedulingStrategy.PlacementGroupBundle bundle, Map<String, Double> requested,
                            ResourceVector byDefault, String what, ObjectEntry result, Runnable start,
                            java.util.function.Consumer<Runnable> onEnd) {
        ResourceVector request = requested == null ? byDefault : vectorOf(what, requested);
        // the bundle it started in (-1 until it starts): any bundle's work learns it only then
        java.util.concurrent.atomic.AtomicInteger startedIn = new java.util.concurrent.atomic.AtomicInteger(-1);
        java.util.function.Consumer<MobulaException> fail = error -> result.complete(new StoredValues.Failed(error));
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
     * What this node is doing now: tasks running, tasks waiting (for arguments or resources), actors
     * alive, and actors built again here (after an Error, a worker process's death, or elsewhere their node's).
     */
    public record Activity(long tasksRunning, long tasksQueued, long actorsAlive, long actorRestarts) {
    }

    public Activity activity() {
        long runningNow = running.get();
        long alive = actors.values().stream().filter(actor -> !actor.isDead()).count();
        return new Activity(runningNow, Math.max(0, unfinished.get() - runningNow), alive, actorRestarts.get());
    }

    /** Counts an actor built again on this node (its earlier instance failed here or died with another node). */
    public void countActorRestart() {
        actorRestarts.incrementAndGet();
    }

    private final java.util.concurrent.atomic.AtomicLong actorRestarts = new java.util.concurrent.atomic.AtomicLong();

    /** The bundles of placement groups reserved on this node. */
    public Bundles bundles() {
        return bundles;
    }

    /** Where this runtime's placement groups are made: here, or (a connected driver) by the cluster. */
    public GroupPlacements placementGroups() {
        GroupPlacements cluster = invoker.placementGroups();
        return cluster != null ? cluster : localGroups;
    }

    /**
     * A request as a vector over this node's resources.
     *
     * @throws InfeasibleResourcesException if this node could never hold it.
     */
    ResourceVector vectorOf(String what, Map<String, Double> requested) {
        return feasible(what, requested);
    }

    /**
     * The resources a task or actor holds here. Where the invoker places work elsewhere (a connected
     * driver), a task holds one forwarding slot and the request travels on to the node that places
     * it; here, the request must fit this node and the strategy must allow it.
     */
    private ResourceVector placement(String what, Map<String, Double> requested, SchedulingStrategy strategy,
                                     ResourceVector byDefault) {
        if (invoker.placesElsewhere()) {
            return byDefault;
        }
        if (strategy instanceof SchedulingStrategy.PlacementGroupBundle) {
            return noResources; // it runs on its bundle's resources, which the bundle's holder keeps in the ledger
        }
        if (strategy instanceof SchedulingStrategy.NodeAffinity affinity && !affinity.soft() && !affinity.nodeId().equals(nodeId())) {
            throw new InfeasibleResourcesException(what + " must run on node " + affinity.nodeId() + ", but this is node "
                + nodeId() + " and it is not connected to a cluster; make the affinity soft, or connect to the cluster "
                + "(Mobula.init(\"host:port\"))");
        }
        return requested == null ? byDefault : feasible(what, requested);
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
    public List<io.mobula.NodeInfo> nodes() {
        List<io.mobula.NodeInfo> cluster = invoker.nodes();
        if (cluster != null) {
            return cluster;
        }
        return List.of(new io.mobula.NodeInfo(nodeId(), "embedded", ProcessHandle.current().pid(), true, true,
            totalResources(), availableResources()));
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
        return createActor(constructor, args, options.resources(), options.maxRestarts(), options.maxConcurrency(),
            options.name(), options.strategy(), options.isolated(), options.detached());
    }

    public ActorRecord createActor(RemoteFunction constructor, Object[] args, Map<String, Double> requested,
                                   int maxRestarts, int maxConcurrency, String name, SchedulingStrategy strategy,
                                   boolean isolated, boolean detached) {
        ensureOpen();
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
        if (detached && name == null) {
            throw new IllegalArgumentException("a detached actor outlives the program that made it, so it needs a name to be "
                + "found by: add .name(\"...\")");
        }
        if (isolated) {
            checkIsolatable(descriptor, "the actor constructor");
            if (maxConcurrency > 1) {
                throw new IllegalArgumentException("an isolated actor runs one call at a time in its worker process, so "
                    + "maxConcurrency must be 1 (got " + maxConcurrency + "); drop isolated() or maxConcurrency");
            }
        }
        ResourceVector held = invoker.placesElsewhere() ? noResources
            : placement("actor " + descriptor.displayName(), requested, strategy, noResources);
        boolean inBundle = strategy instanceof SchedulingStrategy.PlacementGroupBundle && !invoker.placesElsewhere();
        ResourceVector placement = inBundle ? noResources
            : requested == null || invoker.placesElsewhere() ? defaultActorPlacement : held;
        Object[] marshalled = marshalArguments(descriptor, args, 0);
        ObjectEntry created = new ObjectEntry(newObjectId());
        long id = actorCounter.incrementAndGet();
        TaskSpec creation = new TaskSpec(TaskSpec.Kind.ACTOR_CREATION, constructor, descriptor, marshalled, held,
            RetryPolicy.NONE, created, null, requested, strategy, isolated);
        ActorRecord actor = new ActorRecord(id, name, creation, placement, held, maxRestarts, maxConcurrency, detached, this,
            idler);
        TaskSpec placed = new TaskSpec(TaskSpec.Kind.ACTOR_CREATION, constructor, descriptor, marshalled, held,
            RetryPolicy.NONE, created, actor, requested, strategy, isolated);
        if (isolated && !invoker.placesElsewhere()) {
            workerProcesses();
        }
        if (name != null && invoker.placesElsewhere() && !(constructor instanceof AttachedActor)) {
            invoker.claimActorName(name); // names are the cluster's: taken anywhere, taken here
        }
        if (name != null) {
            ActorRecord previous = namedActors.putIfAbsent(name, actor);
            if (previous != null) {
                throw new ActorNameTakenException("an actor named '" + name + "' already exists (" + previous.displayName()
                    + "); pick another name, or look it up with getActor(\"" + name + "\")");
            }
        }
        actors.put(id, actor);
        if (inBundle) {
            // an actor in a bundle holds its share of the bundle for life
            intoBundle((SchedulingStrategy.PlacementGroupBundle) strategy, requested, defaultActorPlacement,
                "actor " + descriptor.displayName(), created, () -> scheduler.submit(placed), actor::onDeath);
        } else {
            scheduler.submit(placed);
        }
        return actor;
    }

    @Override
    public ObjectEntry submitActorCall(ActorState actor, RemoteFunction method, Object[] args, RetryOptions retry) {
        return submitActorCall((ActorRecord) actor, method, args, retryPolicy(retry));
    }

    /** Queues a method call on an actor. */
    public ObjectEntry submitActorCall(ActorRecord actor, RemoteFunction method, Object[] args, RetryPolicy retry) {
        ensureOpen();
        FunctionDescriptor descriptor = FunctionDescriptor.of(method);
        Object[] marshalled = marshalArguments(descriptor, args, 1);
        ObjectEntry result = new ObjectEntry(newObjectId());
        TaskSpec call = new TaskSpec(TaskSpec.Kind.ACTOR_CALL, method, descriptor, marshalled, noResources, retry, result, actor,
            null, null, false);
        result.producer(call);
        actor.submit(call);
        return result;
    }

    @Override
    public void kill(ActorState actor) {
        kill((ActorRecord) actor);
    }

    public void kill(ActorRecord actor) {
        ensureOpen();
        actor.kill(new ActorDiedException("actor " + actor.displayName() + (actor.name() == null ? "" : " '" + actor.name() + "'")
            + " was killed"));
        if (invoker.placesElsewhere()) {
            invoker.kill(actor);
        }
    }

    /** The live actor with this name: this node's, or (connected to a cluster) one anywhere in it, attached to. */
    public ActorRecord actorByName(String name) {
        ensureOpen();
        if (name == null) {
            return null;
        }
        ActorRecord here = namedActors.get(name);
        if (here != null || !invoker.placesElsewhere()) {
            return here;
        }
        AttachedActor elsewhere = invoker.lookupActor(name);
        if (elsewhere == null) {
            return null;
        }
        try {
            return createActor(elsewhere, new Object[0], null, 0, 1, name, SchedulingStrategy.defaultStrategy(), false, false);
        } catch (ActorNameTakenException e) {
            return namedActors.get(name); // another thread attached first
        }
    }

    public ActorRecord actorById(long id) {
        return actors.get(id);
    }

    /** An actor died: forget its name and, if it held resources, give them back. */
    void actorDied(ActorRecord actor, boolean started) {
        if (actor.name() != null) {
            namedActors.remove(actor.name(), actor);
        }
        actors.remove(actor.id(), actor);
        if (started && actor.claimResourceReturn() && !closing) {
            scheduler.actorDead(actor);
        }
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
        return marshaller.unmarshal(stored);
    }

    /** Waits for an entry's stored form; null on timeout. */
    Object awaitStored(ObjectEntry entry, long timeoutNs) {
        Object stored = entry.stored();
        if (stored != null) {
            return stored;
        }
        ExecutionContext context = ExecutionContext.current();
        Runnable[] hook = context != null && context.runtime == this ? context.blockedHook() : null;
        try {
            return entry.await(timeoutNs, hook, idler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskCancelledException("interrupted while waiting for object " + entry.id()
                + " (the waiting task was cancelled, or the runtime is closing)", e);
        }
    }

    /**
     * Waits until {@code numReturns} of the entries are ready or the timeout passes.
     *
     * @return which entries were ready when the wait ended.
     */
    @Override
    public boolean[] waitFor(ObjectState[] objects, int numReturns, long timeoutNs) {
        ensureOpen();
        ObjectEntry[] entries = new ObjectEntry[objects.length];
        for (int i = 0; i < objects.length; i++) {
            entries[i] = (ObjectEntry) objects[i];
        }
        if (numReturns < 0 || numReturns > entries.length) {
            throw new IllegalArgumentException("numReturns must be between 0 and the number of refs (" + entries.length
                + "), got " + numReturns);
        }
        int ready = 0;
        for (ObjectEntry entry : entries) {
            if (entry.isReady()) {
                ready++;
            }
        }
        if (ready < numReturns && timeoutNs > 0) {
            Countdown waiter = new Countdown(numReturns - ready, Thread.currentThread());
            ObjectEntry.Waiter[] links = new ObjectEntry.Waiter[entries.length];
            for (int i = 0; i < entries.length; i++) {
                if (!entries[i].isReady()) {
                    links[i] = waiter.link();
                    if (!entries[i].addWaiter(links[i])) {
                        waiter.countDown();
                        links[i] = null;
                    }
                }
            }
            long deadline = System.nanoTime() + timeoutNs;
            while (waiter.remaining.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || closing) {
                    break;
                }
                LockSupport.parkNanos(waiter, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            for (int i = 0; i < entries.length; i++) {
                if (links[i] != null) {
                    entries[i].removeWaiter(links[i]);
                }
            }
        }
        boolean[] readiness = new boolean[entries.length];
        for (int i = 0; i < entries.length; i++) {
            readiness[i] = entries[i].isReady();
        }
        return readiness;
    }

    /**
     * Cancels the task or actor call that makes an entry: a queued one never runs, a running one is
     * interrupted. Its result fails with {@code TaskCancelledException}.
     *
     * @return true if something was cancelled; false if it had already finished (or was a put).
     */
    @Override
    public boolean cancel(ObjectState object) {
        return cancel((ObjectEntry) object);
    }

    public boolean cancel(ObjectEntry entry) {
        ensureOpen();
        TaskSpec task = entry.producer();
        if (task == null || !task.cancel()) {
            return false;
        }
        entry.complete(TaskExecutor.cancelled(task));
        if (task.kind == TaskSpec.Kind.TASK) {
            scheduler.cancelled(task);
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
    public List<String> placementGroupNodes(String id, java.time.Duration wait) {
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
        List<Integer> ids = new java.util.ArrayList<>();
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
    public io.mobula.store.ObjectView storedObject(ObjectId id) {
        return store.get(id, 0);
    }

    public java.nio.file.Path arenaPath() {
        return store instanceof SharedArenaStore arena ? arena.path() : null;
    }

    // ---- nested refs ----

    /** A ref is being serialized inside a value: remember its entry so a reader here can find it. */
    void exportEntry(ObjectEntry entry) {
        exported.computeIfAbsent(entry.id(), id -> new WeakReference<>(entry));
        if (exportsSinceSweep.incrementAndGet() >= 4096) {
            exportsSinceSweep.set(0);
            exported.values().removeIf(ref -> ref.get() == null);
        }
    }

    /** The entry of a nested ref being deserialized; a failed entry if nothing refers to it any more. */
    ObjectEntry importEntry(ObjectId id) {
        WeakReference<ObjectEntry> ref = exported.get(id);
        ObjectEntry entry = ref == null ? null : ref.get();
        if (entry != null) {
            return entry;
        }
        return new ObjectEntry(id, new StoredValues.Failed(new MobulaException("object " + id + " was freed: nothing "
            + "referred to it when this ref was read back; keep a ref to it while it is needed")));
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
        for (ActorRecord actor : List.copyOf(actors.values())) {
            actor.kill(new RuntimeClosedException("the Mobula runtime closed; actor " + actor.displayName() + " was stopped"));
        }
        io.mobula.worker.WorkerProcessPool pool;
        synchronized (this) {
            pool = workerProcesses;
        }
        if (pool != null) {
            pool.close(); // calls in flight there fail; the threads waiting on them finish
        }
        scheduler.stop(timeoutNs);
        workers.stop(TimeUnit.NANOSECONDS.toMillis(timeoutNs));
        if (store instanceof SharedArenaStore arena) {
            for (io.mobula.spi.HostMemoryPinner pinner : pinners) {
                pinner.detach(arena.dataRegion()); // before the mapping goes
            }
        }
        store.close();
        invoker.close();
    }

    /** An isolated function is found by name in another process (a worker JVM, or the node a driver sends it to). */
    private void checkIsolatable(FunctionDescriptor descriptor, String what) {
        descriptor.checkNamable(what);
    }

    private void ensureOpen() {
        if (closing) {
            throw new RuntimeClosedException("this Mobula runtime is closed; start a new one with Mobula.init()");
        }
    }

    private ResourceVector feasible(String what, Map<String, Double> requested) {
        ResourceVector vector = resources.vector(requested);
        String gpuProblem = vector == null ? null : GpuAllocator.shapeProblem(vector, resources);
        if (gpuProblem != null) {
            throw new IllegalArgumentException(what + " requests " + formatRequest(requested) + ": " + gpuProblem);
        }
        if (vector == null || !resources.canEverFit(vector)) {
            throw new InfeasibleResourcesException(what + " requests " + formatRequest(requested) + ", but this node has "
                + resources.format(totals()) + " in all, so it could never run; lower the request, or start the node "
                + "with more (NodeContext.resource(name, amount))");
        }
        return vector;
    }

    private long[] totals() {
        long[] totals = new long[resources.size()];
        for (int i = 0; i < totals.length; i++) {
            totals[i] = resources.total(i);
        }
        return totals;
    }

    private static String formatRequest(Map<String, Double> requested) {
        StringBuilder out = new StringBuilder("{");
        requested.forEach((name, amount) -> {
            if (out.length() > 1) {
                out.append(", ");
            }
            out.append(name).append(": ").append(NodeResources.formatAmount(NodeResources.toUnits(name, amount)));
        });
        return out.append('}').toString();
    }

    private Object[] marshalArguments(FunctionDescriptor descriptor, Object[] args, int firstParameter) {
        descriptor.checkArguments(args, firstParameter);
        Object[] marshalled = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            Object arg = args[i];
            if (arg instanceof ObjectRef<?> ref) {
                marshalled[i] = RuntimeAccess.entryOf(ref);
                continue;
            }
            try {
                marshalled[i] = marshaller.marshal(arg, null);
            } catch (UnserializableValueException e) {
                throw new UnserializableArgumentException("argument " + i + " of " + descriptor.displayName() + " ("
                    + arg.getClass().getName() + ") cannot be serialized: " + e.getMessage()
                    + "; pass a serializable value, or create it inside the task", i, e.type(), e);
            }
        }
        return marshalled;
    }

    /** Counts ready entries down to zero and wakes the waiting thread then; one link per entry. */
    private static final class Countdown {
        final AtomicInteger remaining;
        private final Thread thread;

        Countdown(int count, Thread thread) {
            this.remaining = new AtomicInteger(count);
            this.thread = thread;
        }

        void countDown() {
            if (remaining.decrementAndGet() == 0) {
                LockSupport.unpark(thread);
            }
        }

        ObjectEntry.Waiter link() {
            return new ObjectEntry.Waiter() {
                @Override
                void onReady(ObjectEntry entry) {
                    countDown();
                }
            };
        }
    }
}
