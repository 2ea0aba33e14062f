package io.mobula.node;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.mobula.ActorNameTakenException;
import io.mobula.MobulaException;
import io.mobula.NodeContext;
import io.mobula.NodeInfo;
import io.mobula.PlacementStrategy;
import io.mobula.runtime.ActorRecord;
import io.mobula.runtime.AttachedActor;
import io.mobula.runtime.FunctionDescriptor;
import io.mobula.runtime.GroupPlacements;
import io.mobula.runtime.NodeRuntime;
import io.mobula.runtime.TaskInvoker;
import io.mobula.runtime.TaskSpec;
import io.mobula.runtime.ValueMarshaller;
import io.mobula.store.ObjectView;
import io.mobula.store.arena.ArenaReader;
import io.mobula.transport.ClusterSecret;
import io.mobula.transport.EmbeddedTransport;

/**
 * A program connected to a cluster ({@code Mobula.init("host:port")}): a node of its own that owns
 * the program's objects and resolves task dependencies (Ray's ownership: the submitter owns what its
 * tasks return), and sends each ready task to the node it connected to, which places it in the
 * cluster; what comes back is stored here. Actors are created the same way; their calls go straight
 * to the node the actor lives on, in order. The sessions are pipelined: many calls in flight,
 * answered as the nodes finish them.
 * <pre>
 *   caller thread                          session reader thread
 *   remote(): arguments ready? ─ yes ─► encode, send ─► node ─► answer: decode, store, wake the getter
 *                     │ no                    ▲
 *                     ▼                       │
 *   the scheduler waits for the refs ─► a forwarding worker (an actor call: the actor's thread,
 *                                       while an earlier call waits) sends it and goes on
 * </pre>
 * No thread here waits for a call's answer but the one that calls {@code get} (and an actor's
 * thread for its creation): at most {@link #MAX_IN_FLIGHT} calls are out at a time.
 * <p>
 * As the owner it also survives nodes: a result kept on a node carries its {@link Lineage}, so when
 * the node dies ({@link DriverClusterWatch}) the result is made again on first use, and a call
 * whose arguments were lost is sent again once they are made again.
 */
public final class ConnectedDriver implements TaskInvoker {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Forwarding workers: they send the tasks whose ref arguments were not ready at submission (the
     * others go from the submitting thread), each without waiting for its answer.
     */
    private static final int FORWARDING_WORKERS = 64;
    /** A task may run long: the node answers when it is done. A node that dies mid-call is noticed after this. */
    private static final Duration CALL_TIMEOUT = Duration.ofHours(1);

    /**
     * Calls sent and not yet answered, at most: a thread sending more waits for answers. Bounds what a
     * burst holds in flight (the calls' payloads, the node's queue) without one thread per call.
     */
    private static final int MAX_IN_FLIGHT = 8192;

    private final java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(MAX_IN_FLIGHT);
    private final EmbeddedTransport transport;
    private final PeerSessions sessions;
    private final String address;
    /** The job's class path id, named in every call ("" when it ships no jars). */
    private final String job;
    /** The arenas of nodes on this host, mapped read-only once each. */
    private final Map<String, ArenaReader> arenas = new java.util.concurrent.ConcurrentHashMap<>();
    /** Tells a node to let go of a result once the driver's form of it is unreachable. */
    private final java.lang.ref.Cleaner releases = java.lang.ref.Cleaner.create(r -> {
        Thread t = new Thread(r, "mobula-driver-releases");
        t.setDaemon(true);
        return t;
    });

    /** Which nodes died, as the driver's node reports the cluster. */
    private final DriverClusterWatch watch;
    /** Rebuilds lost arguments and sends their calls again, off the session readers' threads. */
    private final java.util.concurrent.ExecutorService recovery = java.util.concurrent.Executors
        .newCachedThreadPool(r -> {
            Thread t = new Thread(r, "mobula-driver-recovery");
            t.setDaemon(true);
            return t;
        });
    /** Longer than a head's default dead-after time (5 s) and a view refresh. */
    private static final long HOLDER_DEATH_WAIT_MS = 15_000;
    /** How many times a call is sent again because arguments it took were lost and rebuilt. */
    private static final int ARGUMENT_REBUILD_ROUNDS = 5;

    /** Lends the driver's refs nested in what it sends, and borrows those nested in what comes back. */
    private final DriverLending lending;
    /** The driver's classes' codec, refs nested in values crossing through {@link #lending}. */
    private final io.mobula.store.codec.ValueCodec codec;

    /** The job's jars, registered again with a node that lost the job (a head restarted under this driver). */
    private final List<java.nio.file.Path> jars;

    private ConnectedDriver(EmbeddedTransport transport, PeerSessions sessions, String address, String nodeId, String job,
                            List<java.nio.file.Path> jars) {
        this.transport = transport;
        this.sessions = sessions;
        this.address = address;
        this.job = job;
        this.jars = jars;
        this.watch = new DriverClusterWatch(sessions, address);
        this.lending = new DriverLending(sessions, address, nodeId, watch, this, recovery);
        this.codec = RemoteCall.codecFor(RemoteCall.class.getClassLoader(), lending);
    }

    /** Whether the node process that held {@code object} is known to have died. */
    boolean holderGone(NodeObject object) {
        return watch.holderGone(object);
    }

    /** Whether reading {@code object} failed because it is gone (see {@link DriverClusterWatch#lost}). */
    boolean lost(NodeObject object, MobulaException failure) {
        return watch.lost(object, failure);
    }

    /**
     * Runs the task of {@code lineage} again, its lost arguments rebuilt first: the new result's
     * place, or the value itself when it came back small.
     *
     * @throws io.mobula.ObjectLostException if it cannot be made again.
     */
    Object rerun(Lineage lineage) {
        TaskSpec task = lineage.task();
        FunctionDescriptor f = task.descriptor();
        for (int round = 0; ; round++) {
            RemoteCall.Call call = null;
            try {
                NodeArguments.rebuildLost(lineage.args());
                call = RemoteCall.task(job, f.className(), f.methodName(), f.methodSignature(), task.requested(),
                    task.strategy(), task.isolated(), lineage.args(), codec);
                return answerOf(address, call, task);
            } catch (Exception e) {
                watch.refreshQuietly();
                if (call != null && NodeArguments.movedSince(call, lineage.args()) && round + 1 < ARGUMENT_REBUILD_ROUNDS) {
                    continue; // sent with an argument's old place: send it as it is now
                }
                if (NodeArguments.unavailable(e)) {
                    try {
                        watch.awaitHolderDeath(lineage.args(), HOLDER_DEATH_WAIT_MS);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        throw new io.mobula.ObjectLostException("interrupted while making a result of " + task.displayName()
                            + " again", interrupted);
                    }
                }
                boolean again = io.mobula.runtime.RetryPolicy.systemFailure(e) || watch.anyGone(lineage.args());
                if (!again || round + 1 >= ARGUMENT_REBUILD_ROUNDS) {
                    throw new io.mobula.ObjectLostException("a result of " + task.displayName() + " was lost with its node and "
                        + "running " + task.displayName() + " again failed: " + e.getMessage(), e);
                }
            }
        }
    }

    /**
     * Connects to the node at {@code address} (checking the secret at once) and returns the driver's
     * own runtime.
     *
     * @throws MobulaException if the address is bad, no node answers there, or the secret is refused.
     */
    public static NodeRuntime runtimeFor(String address) {
        try {
            io.mobula.transport.AeronChannels.parseAddress(address);
        } catch (IllegalArgumentException e) {
            throw new MobulaException("cannot connect to '" + address + "': " + e.getMessage());
        }
        ClusterSecret secret;
        StateDirectory host = StateDirectory.fromEnvironment();
        try {
            secret = host.secret(false);
        } catch (RuntimeException e) {
            throw new MobulaException("cannot connect to " + address + ": " + e.getMessage(), e);
        }
        EmbeddedTransport transport = new EmbeddedTransport();
        PeerSessions sessions = new PeerSessions(transport, secret, host);
        String job;
        String nodeId;
        List<java.nio.file.Path> jars = JobUpload.configuredJars();
        try {
            // joined now, not at the first task: a wrong address or secret fails here
            byte[] status = sessions.send(address, NodeStatus.request())
                .get(2 * CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            nodeId = ClusterView.decodeBlocks(status).getFirst().get("id");
            job = JobUpload.register(sessions, address, jars);
        } catch (Exception e) {
            sessions.close();
            transport.close();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new MobulaException("cannot connect to the node at " + address + ": " + cause.getMessage(), cause);
        }
        // The driver's own node: it holds the program's objects (privately) and forwards its work.
        // Its CPUs are forwarding workers; what bounds the calls in flight is MAX_IN_FLIGHT.
        ConnectedDriver driver = new ConnectedDriver(transport, sessions, address, nodeId, job, jars);
        NodeRuntime runtime = new NodeRuntime(new NodeContext().sharedArena(false).storeCapacityBytes(1L << 30).gpus(0)
            .cpus(FORWARDING_WORKERS), driver);
        driver.lending.bindTo(runtime);
        return runtime;
    }

    @Override
    public Object invoke(TaskSpec task, Object[] args) throws Exception {
        FunctionDescriptor f = task.descriptor();
        RemoteCall.Call call = RemoteCall.task(job, f.className(), f.methodName(), f.methodSignature(), task.requested(),
            task.strategy(), task.isolated(), args, codec);
        return held(answerOf(address, call, task), task, args);
    }

    /**
     * A result that stayed on its node becomes this driver's form of it, made again by running
     * {@code madeBy} on {@code args} if the node dies (null, or not a task: it cannot be); any other
     * value is itself. Lineage is kept only for such results, not for every call.
     */
    private Object held(Object answer, TaskSpec madeBy, Object[] args) {
        if (!(answer instanceof NodeObject object)) {
            return answer;
        }
        Lineage lineage = madeBy != null && madeBy.isTask() ? new Lineage(madeBy, args) : null; // an actor method: not made again
        ObjectOnNode form = new ObjectOnNode(object, this, lineage);
        PeerSessions owner = sessions;
        java.util.concurrent.atomic.AtomicReference<NodeObject> where = form.where();
        releases.register(form, () -> {
            NodeObject at = where.get();
            owner.send(at.address(), ObjectMessages.release(at.id()));
        });
        return form;
    }

    /**
     * The driver's large values (puts, arguments) go to its node's store, written in pieces: work
     * anywhere takes them from there, and a {@code get} here reads them back from the node's arena.
     */
    @Override
    public ValueMarshaller.LargeValues largeValues() {
        return (id, encoded) -> {
            MemorySegment bytes = encoded.bytes();
            long size = encoded.size();
            Object answer = null;
            for (long offset = 0; offset < size || offset == 0; offset += ObjectMessages.PIECE_BYTES) {
                int length = (int) Math.min(ObjectMessages.PIECE_BYTES, size - offset);
                byte[] piece = bytes.asSlice(offset, length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                answer = ask(ObjectMessages.write(id, encoded.kind(), size, offset, piece), CALL_TIMEOUT.toMillis(),
                    "storing a value of " + size + " bytes");
            }
            if (!(held(answer, null, null) instanceof ObjectOnNode stored)) { // a put: no lineage to make it again
                throw new MobulaException("the node at " + address + " did not store the value " + id);
            }
            return stored;
        };
    }

    /**
     * A result kept on a node: a view of its arena when the node is on this host, else fetched.
     *
     * @throws io.mobula.ObjectLostException if the node holding it was declared dead.
     */
    Object read(NodeObject object) {
        if (holderGone(object)) {
            // even where its arena is still readable (a node on this host): a node declared dead is fenced off
            throw new io.mobula.ObjectLostException("object " + object.id() + " was lost with node " + object.holder()
                + " at " + object.address() + ", declared dead");
        }
        java.nio.file.Path arena = java.nio.file.Path.of(object.arena());
        if (java.nio.file.Files.isReadable(arena)) {
            ArenaReader reader = arenas.computeIfAbsent(object.arena(), path -> new ArenaReader(arena));
            ObjectView view = reader.get(object.id(), TimeUnit.SECONDS.toNanos(5));
            if (view != null) {
                return NodeObjects.decode(view, codec); // read straight from the node's memory for as long as it is held
            }
        }
        return NodeObjects.fetchValue(sessions, object, codec, CALL_TIMEOUT.toMillis());
    }

    @Override
    public void invokeAsync(TaskSpec task, Object[] args, Completion done) throws Exception {
        FunctionDescriptor f = task.descriptor();
        RemoteCall.Call call = RemoteCall.task(job, f.className(), f.methodName(), f.methodSignature(), task.requested(),
            task.strategy(), task.isolated(), args, codec);
        sendAsync(address, call, task, done, args, 0);
    }

    @Override
    public void invokeMethodAsync(TaskSpec method, Object[] args, Completion done) throws Exception {
        RemoteActor actor = (RemoteActor) args[0];
        FunctionDescriptor f = method.descriptor();
        Object[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        RemoteCall.Call call = RemoteCall.actorCall(job, actor.id(), f.className(), f.methodName(), f.methodSignature(), rest,
            codec);
        sendAsync(actor.address(), call, method, done, rest, 0);
    }

    @Override
    public Object construct(ActorRecord actor, TaskSpec creation, Object[] args) throws Exception {
        if (creation.function() instanceof AttachedActor attached) {
            return attached.place(); // an actor the cluster has already, found by name
        }
        FunctionDescriptor f = creation.descriptor();
        RemoteCall.Call call = RemoteCall.actorCreation(job, f.className(), f.methodName(), f.methodSignature(),
            creation.requested(), creation.strategy(), creation.isolated(), actor.maxRestarts(), actor.maxConcurrency(),
            actor.restarts(), actor.detached(), actor.name(), args, codec);
        try {
            RemoteActor place = RemoteActor.parse((String) answerOf(address, call, creation));
            watch.actorPlaced(place, actor); // built again elsewhere if its node dies
            return place;
        } catch (Exception e) {
            if (actor.name() != null) {
                sessions.send(address, NameMessages.unname(actor.name(), "")); // claimed, never made: free the name
            }
            throw e;
        }
    }

    @Override
    public Object invokeMethod(TaskSpec method, Object[] args) throws Exception {
        RemoteActor actor = (RemoteActor) args[0];
        FunctionDescriptor f = method.descriptor();
        Object[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        RemoteCall.Call call = RemoteCall.actorCall(job, actor.id(), f.className(), f.methodName(), f.methodSignature(), rest,
            codec);
        return held(answerOf(actor.address(), call, method), method, rest);
    }

    @Override
    public void kill(ActorRecord actor) {
        if (actor.instance() instanceof RemoteActor place) {
            sessions.send(place.address(), RemoteCall.actorKill(place.id())); // its node frees its name too
        }
    }

    @Override
    public void claimActorName(String name) {
        if (!Boolean.TRUE.equals(ask(NameMessages.claim(name), CONNECT_TIMEOUT.toMillis(), "actor name '" + name + "'"))) {
            throw new ActorNameTakenException("an actor named '" + name + "' already lives in the cluster; pick another name, "
                + "or look it up with getActor(\"" + name + "\")");
        }
    }

    @Override
    public AttachedActor lookupActor(String name) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            String found = (String) ask(NameMessages.lookup(name), CONNECT_TIMEOUT.toMillis(), "actor name '" + name + "'");
            if (found.isEmpty()) {
                return null;
            }
            if (!found.equals(NameMessages.PENDING)) {
                int bar = found.indexOf('|');
                return new AttachedActor(found.substring(bar + 1), RemoteActor.parse(found.substring(0, bar)));
            }
            if (System.nanoTime() > deadline) {
                return null; // still being made: not there yet
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /**
     * Sends a call without waiting: its answer is decoded and handed to {@code done} on the session's
     * reader thread. Waits (interruptibly) only while {@link #MAX_IN_FLIGHT} calls are out already.
     * A call whose node could not fetch an argument living on another node is looked at off that
     * thread: if it was lost with its node, it is made again and the call sent again ({@code round}
     * counts these).
     */
    private void sendAsync(String node, RemoteCall.Call call, TaskSpec spec, Completion done, Object[] args, int round)
        throws InterruptedException {
        byte[] payload = payload(call, spec);
        inFlight.acquire();
        sessions.send(node, payload, (answer, failure) -> {
            inFlight.release();
            Object value;
            try {
                if (failure != null) { // died (a system failure: its owner retries), or could not be reached: dead if said so soon
                    onRecovery(done, new MobulaException("the call to the node at " + node + " failed: " + failure.getMessage(),
                        failure), () -> done.complete(null, unreachable(node, spec, failure)));
                    return;
                }
                value = held(RemoteCall.decodeAnswer(answer, spec.displayName(), codec), spec, args); // a large result stays where it was made
            } catch (Exception e) {
                if (e instanceof JobNotKnownException && round < ARGUMENT_REBUILD_ROUNDS) {
                    onRecovery(done, e, () -> {
                        try {
                            registerJob(node);
                            sendAsync(node, call, spec, done, args, round + 1);
                        } catch (InterruptedException interrupted) {
                            Thread.currentThread().interrupt();
                            done.complete(null, e);
                        } catch (RuntimeException again) {
                            done.complete(null, again);
                        }
                    });
                    return;
                }
                if (round < ARGUMENT_REBUILD_ROUNDS && NodeArguments.any(args) && NodeArguments.unavailable(e)) {
                    onRecovery(done, e, () -> retryWithArgumentsRebuilt(node, call, spec, done, args, round, e));
                } else {
                    done.complete(null, e);
                }
                return;
            }
            done.complete(value, null);
        });
    }

    /**
     * Runs {@code work} on the recovery threads (off a session's reader, which must not block); once
     * the driver is closing, completes {@code done} with {@code failure} instead.
     */
    private void onRecovery(Completion done, Exception failure, Runnable work) {
        try {
            recovery.execute(work);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            done.complete(null, failure);
        }
    }

    /**
     * After a node could not fetch an argument of a call: the lost arguments made again and the call
     * sent again, or the failure as it was, with where its arguments live. With every holder alive
     * it is sent again once: a pull can fail through another node that died (one that had a copy),
     * though the holder lives.
     */
    private void retryWithArgumentsRebuilt(String node, RemoteCall.Call call, TaskSpec spec, Completion done, Object[] args,
                                           int round, Exception failure) {
        try {
            watch.refreshQuietly();
            boolean moved = NodeArguments.movedSince(call, args);
            if (!moved) {
                watch.awaitHolderDeath(args, HOLDER_DEATH_WAIT_MS); // a holder that went silent may not be declared dead yet
            }
            if (!moved && !watch.anyGone(args) && round > 0) {
                done.complete(null, new MobulaException(failure.getMessage() + " (the nodes holding its arguments were not "
                    + "declared dead: " + watch.holdersOf(args) + ")", failure));
                return;
            }
            NodeArguments.rebuildLost(args);
            sendAsync(node, call.withArgs(args, codec), spec, done, args, round + 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done.complete(null, failure);
        } catch (RuntimeException e) {
            done.complete(null, e);
        }
    }

    private static byte[] payload(RemoteCall.Call call, TaskSpec spec) {
        byte[] payload = RemoteCall.encode(call);
        if (payload.length > RemoteCall.MAX_BYTES) {
            throw new IllegalArgumentException("the arguments of " + spec.displayName() + " take " + payload.length
                + " bytes in the call itself; a call carries at most " + RemoteCall.MAX_BYTES + " (large values go to the "
                + "node's store on their own, but not those with refs nested inside, nor many smaller ones together); "
                + "put() them first and pass the refs");
        }
        return payload;
    }

    /** Sends a call and waits for its answer, decoded; a node that lost the job has it registered again first. */
    private Object answerOf(String node, RemoteCall.Call call, TaskSpec spec) throws Exception {
        try {
            return RemoteCall.decodeAnswer(send(node, call, spec), spec.displayName(), codec);
        } catch (JobNotKnownException e) {
            registerJob(node);
            return RemoteCall.decodeAnswer(send(node, call, spec), spec.displayName(), codec);
        }
    }

    /**
     * Registers the job again with the node at {@code node}: it did not know it (a head restarted
     * under this driver, which registered the job only when it connected).
     */
    private void registerJob(String node) {
        try {
            JobUpload.register(sessions, node, jars);
        } catch (Exception e) {
            throw new MobulaException("job " + job + " was not known at the node at " + node + " (it restarted?) and "
                + "registering it again failed: " + e.getMessage(), e);
        }
    }

    private byte[] send(String node, RemoteCall.Call call, TaskSpec spec) throws Exception {
        byte[] payload = payload(call, spec);
        try {
            return sessions.send(node, payload).get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw unreachable(node, spec, e.getCause());
        }
    }

    /**
     * Why a call could not reach its node: {@link io.mobula.NodeDiedException} (a system failure,
     * retried) when the node died, also when the head declares it dead a little later (a node that
     * went silent fails the connection before its death is declared); otherwise the failure as it is.
     */
    private MobulaException unreachable(String node, TaskSpec spec, Throwable failure) {
        boolean died = failure instanceof io.mobula.NodeDiedException || failure instanceof io.mobula.transport.ServerGoneException;
        if (!died && failure instanceof io.mobula.transport.AuthenticationException) { // no session: connecting failed
            try {
                died = watch.awaitDeathAt(node, HOLDER_DEATH_WAIT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (died) {
            return new io.mobula.NodeDiedException("the node at " + node + " died before answering " + spec.displayName() + ": "
                + failure.getMessage(), failure);
        }
        return new MobulaException("the call to the node at " + node + " failed: " + failure.getMessage(), failure);
    }

    @Override
    public boolean placesElsewhere() {
        return true;
    }

    @Override
    public GroupPlacements placementGroups() {
        return new GroupPlacements() {
            @Override
            public void create(String id, PlacementStrategy strategy, List<Map<String, Double>> bundles) {
                ask(GroupMessages.create(id, strategy, bundles), CONNECT_TIMEOUT.toMillis(), "placement group " + id);
            }

            @Override
            public List<String> nodesOf(String id, Duration wait) {
                String places = (String) ask(GroupMessages.nodes(id, wait.toMillis()),
                    wait.toMillis() + CONNECT_TIMEOUT.toMillis(), "placement group " + id);
                if (places.isEmpty()) {
                    return null;
                }
                List<String> nodes = new ArrayList<>();
                for (String place : places.split("\\|")) {
                    nodes.add(GroupScheduler.nodeOf(place));
                }
                return nodes;
            }

            @Override
            public void remove(String id) {
                ask(GroupMessages.remove(id), CONNECT_TIMEOUT.toMillis(), "placement group " + id);
            }
        };
    }

    /** A request to the node this driver is connected to, answered within {@code timeoutMs}. */
    private Object ask(byte[] request, long timeoutMs, String what) {
        try {
            return RemoteCall.decodeAnswer(sessions.send(address, request).get(timeoutMs, TimeUnit.MILLISECONDS), what);
        } catch (MobulaException e) {
            throw e;
        } catch (ExecutionException | TimeoutException | java.io.IOException e) {
            throw new MobulaException("the node at " + address + " did not answer about " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MobulaException("interrupted while asking the node at " + address + " about " + what, e);
        }
    }

    @Override
    public List<NodeInfo> nodes() {
        try {
            byte[] answer = sessions.send(address, NodeStatus.request())
                .get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            List<NodeInfo> nodes = new ArrayList<>();
            for (NodeStatus status : ClusterView.decodeBlocks(answer)) {
                nodes.add(ClusterView.toInfo(status));
            }
            return nodes;
        } catch (ExecutionException | TimeoutException e) {
            throw new MobulaException("cannot ask the node at " + address + " for the cluster's nodes: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MobulaException("interrupted while asking the node at " + address + " for the cluster's nodes", e);
        }
    }

    @Override
    public void close() {
        watch.close();
        recovery.shutdownNow();
        arenas.values().forEach(ArenaReader::close);
        sessions.close();
        transport.close();
    }
}
