package io.mobula;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import io.mobula.function.Func0;
import io.mobula.function.Func1;
import io.mobula.function.Func2;
import io.mobula.function.Func3;
import io.mobula.function.Func4;
import io.mobula.function.Func5;
import io.mobula.function.Func6;
import io.mobula.function.VoidFunc0;
import io.mobula.function.VoidFunc1;
import io.mobula.function.VoidFunc2;
import io.mobula.function.VoidFunc3;
import io.mobula.function.VoidFunc4;
import io.mobula.function.VoidFunc5;
import io.mobula.function.VoidFunc6;
import io.mobula.spi.ActorState;
import io.mobula.spi.MobulaRuntime;
import io.mobula.spi.ObjectState;

/**
 * The Mobula API: turn functions into tasks and classes into actors, and move values through the
 * object store.
 * <pre>{@code
 * try (Mobula mobula = Mobula.init()) {
 *     ObjectRef<double[]> a = mobula.task(ArrayIo::read, "a.bin").remote();
 *     ObjectRef<double[]> b = mobula.task(ArrayIo::read, "b.bin").remote();
 *     double[] sum = mobula.task(ArrayMath::add, a, b).remote().get();
 * }
 * }</pre>
 * Functions are method references (serializable lambdas) of up to six arguments; each argument is a
 * value, or an {@link ObjectRef} whose value the task receives once it is ready. Every method is
 * thread safe. Using a closed runtime throws {@link RuntimeClosedException}.
 */
public final class Mobula implements AutoCloseable {
    private final MobulaRuntime runtime;

    private Mobula(MobulaRuntime runtime) {
        this.runtime = runtime;
        runtime.face(this);
    }

    /**
     * Starts an embedded node with the machine's resources and default settings; or, when
     * {@code MOBULA_ADDRESS} is set, connects to that node as {@link #init(String)} does.
     */
    public static Mobula init() {
        String address = System.getenv("MOBULA_ADDRESS");
        return address == null || address.isBlank() ? init(new NodeContext()) : init(address);
    }

    /**
     * Connects to a cluster through one of its nodes ({@code mobula start}) as a driver: tasks and
     * actors are placed across the cluster's nodes; this program owns their results, as Ray's
     * drivers do. Needs the cluster secret in this host's state directory
     * ({@code ~/.mobula/cluster.secret}, or {@code MOBULA_HOME}).
     * <p>
     * Functions are found on the nodes by name (static methods, constructors, {@code Type::method},
     * non-capturing lambdas), from the nodes' class path or the job's jars ({@code mobula submit}).
     * Arguments cross by value, except results that live on a node, which are taken from there.
     * Refs nested inside arguments and results cross as borrowed refs: their owner keeps the
     * object while any borrower holds it, and a borrower whose owner died gets
     * {@link OwnerDiedException}. Actor handles passed to work do not cross yet.
     */
    public static Mobula init(String address) {
        return new Mobula(Runtimes.connect(address, null));
    }

    /**
     * Connects to a cluster as {@link #init(String)} does, with {@code namespace} as the job's
     * namespace: its named actors go there and {@link #getActor(String)} looks there, so drivers that
     * share named actors (a detached one, say) connect with the same namespace. Without one, a driver
     * gets an anonymous namespace of its own, as in Ray.
     */
    public static Mobula init(String address, String namespace) {
        if (namespace == null || namespace.isBlank()) {
            throw new IllegalArgumentException("the namespace must not be blank; use init(address) for an anonymous one");
        }
        return new Mobula(Runtimes.connect(address, namespace));
    }

    MobulaRuntime runtime() {
        return runtime;
    }

    /** Starts an embedded node configured by {@code context}. */
    public static Mobula init(NodeContext context) {
        return new Mobula(Runtimes.startNode(context));
    }

    /**
     * The runtime running the calling task or actor, so tasks can submit tasks.
     *
     * @throws IllegalStateException when called outside a task or actor.
     */
    public static Mobula current() {
        MobulaRuntime current = Runtimes.current();
        if (current == null && Boolean.getBoolean("mobula.worker.process")) {
            throw new IllegalStateException("Mobula.current() is not available inside an isolated task or actor (it runs "
                + "in a worker process, apart from the node); submit further tasks from the caller, or drop isolated()");
        }
        if (current == null || !(current.face() instanceof Mobula mobula)) {
            throw new IllegalStateException("Mobula.current() works only inside a task or an actor; elsewhere use the "
                + "Mobula that Mobula.init() returned");
        }
        return mobula;
    }

    // ---- tasks ----

    public <R> TaskCall<R> task(Func0<R> function) {
        return new TaskCall<>(open(), function, new Object[] {});
    }

    public TaskCall<Void> task(VoidFunc0 function) {
        return new TaskCall<>(open(), function, new Object[] {});
    }

    public <A, R> TaskCall<R> task(Func1<A, R> function, Object a) {
        return new TaskCall<>(open(), function, new Object[] {a});
    }

    public <A> TaskCall<Void> task(VoidFunc1<A> function, Object a) {
        return new TaskCall<>(open(), function, new Object[] {a});
    }

    public <A, B, R> TaskCall<R> task(Func2<A, B, R> function, Object a, Object b) {
        return new TaskCall<>(open(), function, new Object[] {a, b});
    }

    public <A, B> TaskCall<Void> task(VoidFunc2<A, B> function, Object a, Object b) {
        return new TaskCall<>(open(), function, new Object[] {a, b});
    }

    public <A, B, C, R> TaskCall<R> task(Func3<A, B, C, R> function, Object a, Object b, Object c) {
        return new TaskCall<>(open(), function, new Object[] {a, b, c});
    }

    public <A, B, C> TaskCall<Void> task(VoidFunc3<A, B, C> function, Object a, Object b, Object c) {
        return new TaskCall<>(open(), function, new Object[] {a, b, c});
    }

    public <A, B, C, D, R> TaskCall<R> task(Func4<A, B, C, D, R> function, Object a, Object b, Object c, Object d) {
        return new TaskCall<>(open(), function, new Object[] {a, b, c, d});
    }

    public <A, B, C, D> TaskCall<Void> task(VoidFunc4<A, B, C, D> function, Object a, Object b, Object c, Object d) {
        return new TaskCall<>(open(), function, new Object[] {a, b, c, d});
    }

    public <A, B, C, D, E, R> TaskCall<R> task(Func5<A, B, C, D, E, R> function, Object a, Object b, Object c, Object d, Object e) {
        return new TaskCall<>(open(), function, new Object[] {a, b, c, d, e});
    }

    public <A, B, C, D, E> TaskCall<Void> task(VoidFunc5<A, B, C, D, E> function, Object a, Object b, Object c, Object d, Object e) {
        return new TaskCall<>(open(), function, new Object[] {a, b, c, d, e});
    }

    public <A, B, C, D, E, F, R> TaskCall<R> task(Func6<A, B, C, D, E, F, R> function, Object a, Object b, Object c, Object d, Object e, Object f) {
        return new TaskCall<>(open(), function, new Object[] {a, b, c, d, e, f});
    }

    public <A, B, C, D, E, F> TaskCall<Void> task(VoidFunc6<A, B, C, D, E, F> function, Object a, Object b, Object c, Object d, Object e, Object f) {
        return new TaskCall<>(open(), function, new Object[] {a, b, c, d, e, f});
    }
    // ---- actors ----

    public <T> ActorCreation<T> actor(Func0<T> constructor) {
        return new ActorCreation<>(open(), constructor, new Object[] {});
    }

    public <A, T> ActorCreation<T> actor(Func1<A, T> constructor, Object a) {
        return new ActorCreation<>(open(), constructor, new Object[] {a});
    }

    public <A, B, T> ActorCreation<T> actor(Func2<A, B, T> constructor, Object a, Object b) {
        return new ActorCreation<>(open(), constructor, new Object[] {a, b});
    }

    public <A, B, C, T> ActorCreation<T> actor(Func3<A, B, C, T> constructor, Object a, Object b, Object c) {
        return new ActorCreation<>(open(), constructor, new Object[] {a, b, c});
    }

    public <A, B, C, D, T> ActorCreation<T> actor(Func4<A, B, C, D, T> constructor, Object a, Object b, Object c, Object d) {
        return new ActorCreation<>(open(), constructor, new Object[] {a, b, c, d});
    }

    public <A, B, C, D, E, T> ActorCreation<T> actor(Func5<A, B, C, D, E, T> constructor, Object a, Object b, Object c, Object d, Object e) {
        return new ActorCreation<>(open(), constructor, new Object[] {a, b, c, d, e});
    }

    public <A, B, C, D, E, F, T> ActorCreation<T> actor(Func6<A, B, C, D, E, F, T> constructor, Object a, Object b, Object c, Object d, Object e, Object f) {
        return new ActorCreation<>(open(), constructor, new Object[] {a, b, c, d, e, f});
    }
    /** The live actor with this name in the job's namespace ({@link #namespace()}), if any. */
    public <A> Optional<ActorHandle<A>> getActor(String name) {
        ActorState record = open().actorByName(name);
        return record == null ? Optional.empty() : Optional.of(new ActorHandle<>(record, runtime));
    }

    /**
     * The live actor with this name, checked to be of {@code type}.
     *
     * @throws ClassCastException if the named actor is of another class.
     */
    public <A> Optional<ActorHandle<A>> getActor(String name, Class<A> type) {
        ActorState record = open().actorByName(name);
        if (record == null) {
            return Optional.empty();
        }
        if (!type.getName().equals(record.actorClassName())) {
            throw new ClassCastException("actor '" + name + "' is a " + record.actorClassName() + ", not a " + type.getName());
        }
        return Optional.of(new ActorHandle<>(record, runtime));
    }

    /**
     * Kills an actor: its running call is interrupted, it and every queued or later call fail with
     * {@link ActorDiedException}, its name is freed and its resources given back. No restart follows.
     */
    public void kill(ActorHandle<?> actor) {
        ActorState record = actor.record();
        open();
        if (record != null) {
            runtime.kill(record);
        }
    }

    // ---- an actor's life: kills that restart, exits ----

    /**
     * Kills an actor, as Ray's {@code kill(actor, no_restart)}: with {@code noRestart} true, for good
     * (as {@link #kill(ActorHandle)}); with it false, its instance is killed and built again while
     * its {@code maxRestarts} allows: calls running on the killed instance fail with
     * {@link ActorDiedException}, queued and later ones run on the new instance. With no restarts
     * left, it is killed for good. A running call that ignores its interrupt keeps its thread until
     * it returns (its result is still a failure).
     */
    public void kill(ActorHandle<?> actor, boolean noRestart) {
        if (noRestart) {
            kill(actor);
            return;
        }
        ActorState record = actor.record();
        open();
        if (record != null) {
            runtime.killAndRestart(record);
        }
    }

    /**
     * Called from inside an actor's method (Ray's {@code exit_actor()}): the actor ends once that
     * method returns; its result is delivered, the actor is not restarted, and every queued or later
     * call fails with {@link ActorDiedException} saying it exited. Calls running on its other threads
     * ({@code maxConcurrency > 1}) finish.
     *
     * An isolated actor's method (in a worker process) may call it too, from the method's own thread:
     * the worker tells its node, and the process ends with the actor.
     *
     * @throws IllegalStateException outside an actor's method (a task, the driver, a constructor).
     */
    public static void exitActor() {
        MobulaRuntime current = Runtimes.current();
        if (current == null && io.mobula.spi.IsolatedActorExit.request()) {
            return; // in a worker process: its node marks the actor exiting
        }
        if (current == null) {
            throw new IllegalStateException("Mobula.exitActor() works only inside an actor's method; to end an actor from "
                + "outside, call kill(handle) on it");
        }
        current.exitCurrentActor();
    }

    // ---- namespaces of named actors ----

    /**
     * The job's namespace: named actors are created there unless their creation names another, and
     * {@link #getActor(String)} looks there. Set by {@link NodeContext#namespace} or
     * {@link #init(String, String)}; otherwise anonymous (unique to this program, as in Ray).
     */
    public String namespace() {
        return open().namespace();
    }

    /** The live actor with this name in {@code namespace} (another job's, say), if any. */
    public <A> Optional<ActorHandle<A>> getActor(String name, String namespace) {
        if (namespace == null || namespace.isBlank()) {
            throw new IllegalArgumentException("the namespace must not be blank; getActor(name) looks in the job's namespace");
        }
        ActorState record = open().actorByName(name, namespace);
        return record == null ? Optional.empty() : Optional.of(new ActorHandle<>(record, runtime));
    }

    // ---- objects ----

    /** Waits for a value (see {@link ObjectRef#get()}). */
    public <T> T get(ObjectRef<T> ref) {
        return ref.get();
    }

    /** Waits at most {@code timeout} for a value; throws {@link GetTimeoutException} after. */
    public <T> T get(ObjectRef<T> ref, Duration timeout) {
        return ref.get(timeout);
    }

    /**
     * Waits for every value, in order. If any task fails, its failure is thrown as soon as it is
     * known (the first in order among those failed by then), without waiting for the rest.
     */
    public <T> List<T> get(List<ObjectRef<T>> refs) {
        return getAll(refs, Long.MAX_VALUE);
    }

    /**
     * Waits at most {@code timeout} for every value, in order; a failure is thrown as soon as it is
     * known. @throws GetTimeoutException if not every value is ready by then and none has failed.
     */
    public <T> List<T> get(List<ObjectRef<T>> refs, Duration timeout) {
        return getAll(refs, toNanos(timeout));
    }

    @SuppressWarnings("unchecked")
    private <T> List<T> getAll(List<ObjectRef<T>> refs, long timeoutNs) {
        ObjectState[] entries = new ObjectState[refs.size()];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = refs.get(i).entry();
        }
        Object[] values = open().getAll(entries, timeoutNs);
        List<T> list = new ArrayList<>(values.length);
        for (Object value : values) {
            list.add((T) value);
        }
        return list;
    }

    /**
     * Waits until {@code numReturns} of the refs are ready (a failed task counts as ready) or the
     * timeout passes, whichever is first.
     *
     * @throws IllegalArgumentException if {@code numReturns} is not between 1 and the number of
     *                                  refs, or a ref is given twice.
     * @return at most {@code numReturns} ready refs, and the others; each in the given order.
     */
    public <T> WaitResult<T> wait(List<ObjectRef<T>> refs, int numReturns, Duration timeout) {
        ObjectState[] entries = new ObjectState[refs.size()];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = refs.get(i).entry();
        }
        boolean[] ready = open().waitFor(entries, numReturns, toNanos(timeout));
        List<ObjectRef<T>> readyRefs = new ArrayList<>(numReturns);
        List<ObjectRef<T>> unready = new ArrayList<>(entries.length - numReturns); // exact unless fewer are ready
        for (int i = 0; i < entries.length; i++) {
            if (ready[i] && readyRefs.size() < numReturns) {
                readyRefs.add(refs.get(i));
            } else {
                unready.add(refs.get(i));
            }
        }
        return new WaitResult<>(readyRefs, unready);
    }

    /**
     * Puts a value into the object store; later changes to {@code value} do not reach it.
     * Primitive arrays, {@code ByteBuffer} and {@code MemorySegment} are copied once, without
     * serialization; a {@code get} of a buffer or segment returns a read-only view of the store.
     */
    public <T> ObjectRef<T> put(T value) {
        return new ObjectRef<>(open().put(value), runtime);
    }

    /**
     * Cancels the task or actor call that makes {@code ref}, with Ray's defaults: not forced,
     * recursive. The same as {@link #cancel(ObjectRef, boolean, boolean) cancel(ref, false, true)}:
     * if queued it never runs, if running it is interrupted, and the tasks it submitted are cancelled
     * too; {@code get} then throws {@link TaskCancelledException}.
     *
     * @return true if it was cancelled, false if it had already finished.
     */
    public boolean cancel(ObjectRef<?> ref) {
        return cancel(ref, false, true);
    }

    // ---- cancel with options ----

    /**
     * Cancels the task or actor call that makes {@code ref}, wherever it runs (on this node, or on
     * the cluster's node a driver sent it to, or that node passed it to). Its {@code get} throws
     * {@link TaskCancelledException} from now on, whatever the work does next.
     * <ul>
     *   <li>Queued (waiting for arguments, resources or its actor's turn): it never runs, and never
     *       takes its resources.</li>
     *   <li>Running on a node's thread: the thread is interrupted (work that ignores interrupts runs
     *       on to its end, holding its resources until then). {@code force} cannot kill a thread
     *       safely, so it interrupts alike there.</li>
     *   <li>Running {@code isolated()} in a worker process: without {@code force}, the call is
     *       interrupted inside its process, which lives on; with {@code force}, the process is killed
     *       (the node starts another) and its resources come back at once. A forced cancel after a
     *       plain one kills what still runs (and returns false: it was cancelled already).</li>
     *   <li>An actor call: queued calls are dropped, a running one is interrupted; {@code force} is
     *       refused (it would kill the actor), as Ray refuses it.</li>
     * </ul>
     *
     * @param force     kill an isolated task's worker process rather than interrupt the call (Ray's
     *                  {@code force}, default false).
     * @param recursive cancel as well the tasks it submitted while it ran, and theirs (Ray's
     *                  {@code recursive}, default true).
     * @return true if this call cancelled it; false if it had already finished or been cancelled, or
     *         {@code ref} came from {@code put}.
     * @throws IllegalArgumentException if {@code force} is asked for an actor call.
     */
    public boolean cancel(ObjectRef<?> ref, boolean force, boolean recursive) {
        return open().cancel(ref.entry(), force, recursive);
    }

    // ---- the node ----

    /** Every resource of the node, by name. */
    public Map<String, Double> totalResources() {
        return open().totalResources();
    }

    /**
     * The cluster's nodes, as the node this program runs on or is connected to last heard of them
     * (within about a second); on an embedded node, just that node. Their ids name nodes for
     * {@link SchedulingStrategy#nodeAffinity(String, boolean)}.
     */
    public List<NodeInfo> nodes() {
        return open().nodes();
    }

    /**
     * Reserves {@code bundles} of resources together, laid out by {@code strategy}: all of them or
     * none (a gang). Returns at once; {@link PlacementGroup#waitReady} waits for the reservation.
     *
     * @throws InfeasibleResourcesException if the cluster (or this node) could never hold it.
     */
    public PlacementGroup placementGroup(PlacementStrategy strategy, List<Map<String, Double>> bundles) {
        if (strategy == null) {
            throw new IllegalArgumentException("the placement strategy is null; pass PlacementStrategy.PACK, SPREAD, "
                + "STRICT_PACK or STRICT_SPREAD");
        }
        if (bundles == null || bundles.isEmpty()) {
            throw new IllegalArgumentException("a placement group needs at least one bundle");
        }
        List<Map<String, Double>> copy = new ArrayList<>();
        for (Map<String, Double> bundle : bundles) {
            if (bundle == null || bundle.isEmpty() || bundle.values().stream().allMatch(v -> v != null && v == 0)) {
                throw new IllegalArgumentException("every bundle of a placement group asks for some resource, got " + bundle);
            }
            bundle.forEach(open()::checkResource);
            copy.add(Map.copyOf(bundle));
        }
        String id = String.format("%016x", ThreadLocalRandom.current().nextLong());
        MobulaRuntime runtime = open();
        runtime.createPlacementGroup(id, strategy, List.copyOf(copy));
        return new PlacementGroup(id, strategy, List.copyOf(copy), runtime);
    }

    /** Frees a placement group's bundles; work still waiting in them fails. */
    public void removePlacementGroup(PlacementGroup group) {
        open().removePlacementGroup(group.id());
    }

    /** The resources free now, by name (in use = total - available). */
    public Map<String, Double> availableResources() {
        return open().availableResources();
    }

    /**
     * The GPUs (device ordinals) given to the calling task or actor: the devices it may use, and
     * the only ones. Empty outside a task, or for one that asked for no GPU.
     */
    public List<Integer> gpuIds() {
        return runtime.gpuIdsOfCurrentWork();
    }

    /** The node's object store: capacity, use, objects, spilled bytes. */
    public StoreStats storeStats() {
        return open().storeStats();
    }

    /** The node's shared-memory arena file, which local processes map to read objects; null if private. */
    public Path arenaPath() {
        return open().arenaPath();
    }

    // ---- call semantics: the runtime context, freeing objects ----

    /**
     * Where the calling code runs (Ray's {@code get_runtime_context()}): the job id, the node id,
     * and, called inside a task or actor call (through {@link #current()}), that task's id and,
     * inside an actor, the actor's id and whether it was restarted. Outside a task those are empty.
     */
    public RuntimeContext runtimeContext() {
        return open().runtimeContext();
    }

    /**
     * Drops the objects' values from the store now (Ray's internal {@code free}), rather than when
     * their last ref is collected: their memory returns at once (an object handed out as a buffer or
     * segment view returns when the last such view is released). A later {@code get} of a freed ref,
     * or work taking it as an argument, throws {@link ObjectFreedException} naming the object.
     * <ul>
     *   <li>Freeing a freed ref (or the same ref twice in one list) does nothing.</li>
     *   <li>A ref whose work has not finished is freed at once as well: its {@code get} fails
     *       with {@link ObjectFreedException} from now on, the work still runs (free does not
     *       cancel; {@link #cancel} does), and its value is dropped as soon as it is made.</li>
     *   <li>A ref whose work failed holds no value; it then reads as freed too.</li>
     *   <li>Refs nested inside a freed value are no longer held by it (each lives while anything
     *       else refers to it).</li>
     * </ul>
     * Through a connected driver, a value kept in a node's store is dropped there before this
     * returns.
     */
    public void free(List<? extends ObjectRef<?>> refs) {
        if (refs == null) {
            throw new IllegalArgumentException("the list of refs to free is null; pass a list (it may be empty)");
        }
        ObjectState[] entries = new ObjectState[refs.size()];
        for (int i = 0; i < entries.length; i++) {
            ObjectRef<?> ref = refs.get(i);
            if (ref == null) {
                throw new IllegalArgumentException("ref " + i + " of the list to free is null");
            }
            if (ref.runtime() != runtime) {
                throw new IllegalArgumentException("ref " + i + " (" + ref.id() + ") was made by another Mobula runtime; "
                    + "free it through the runtime that made it");
            }
            entries[i] = ref.entry();
        }
        open().free(entries);
    }

    public boolean isClosed() {
        return runtime.isClosed();
    }

    /**
     * Stops the node: queued tasks fail with {@link RuntimeClosedException}, running ones are
     * interrupted, actors are stopped and the store is freed. Idempotent.
     */
    @Override
    public void close() {
        runtime.close();
    }

    private MobulaRuntime open() {
        if (runtime.isClosed()) {
            throw new RuntimeClosedException("this Mobula runtime is closed; start a new one with Mobula.init()");
        }
        return runtime;
    }

    static long toNanos(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be a duration >= 0, got " + timeout);
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }
}
