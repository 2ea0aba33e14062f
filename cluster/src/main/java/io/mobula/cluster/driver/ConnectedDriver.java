package io.mobula.cluster.driver;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import io.mobula.ActorNameTakenException;
import io.mobula.MobulaException;
import io.mobula.NodeContext;
import io.mobula.NodeInfo;
import io.mobula.PlacementStrategy;
import io.mobula.cluster.host.StateDirectory;
import io.mobula.cluster.membership.ClusterView;
import io.mobula.cluster.ownership.Lineage;
import io.mobula.cluster.ownership.NodeObject;
import io.mobula.cluster.ownership.ObjectOnNode;
import io.mobula.cluster.ownership.ObjectOwner;
import io.mobula.cluster.placement.GroupScheduler;
import io.mobula.cluster.wire.GroupMessages;
import io.mobula.cluster.wire.NameMessages;
import io.mobula.cluster.wire.NodeStatus;
import io.mobula.cluster.wire.ObjectMessages;
import io.mobula.cluster.wire.PeerSessions;
import io.mobula.cluster.wire.RemoteActor;
import io.mobula.cluster.wire.RemoteCall;
import io.mobula.runtime.ActorRecord;
import io.mobula.runtime.AttachedActor;
import io.mobula.naming.FunctionDescriptor;
import io.mobula.runtime.GroupPlacements;
import io.mobula.runtime.NodeRuntime;
import io.mobula.runtime.ClusterLink;
import io.mobula.runtime.TaskSpec;
import io.mobula.runtime.ValueMarshaller;
import io.mobula.store.codec.ValueCodec;
import io.mobula.transport.AeronChannels;
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
 * thread for its creation): at most {@link DriverCalls#MAX_IN_FLIGHT} calls are out at a time.
 * <p>
 * As the owner it also survives nodes: a result kept on a node carries its {@link Lineage}, so when
 * the node dies ({@link DriverClusterWatch}) the result is made again on first use, and a call
 * whose arguments were lost is sent again once they are made again.
 * <p>
 * This class connects and answers the runtime; sending the calls is {@link DriverCalls}' job,
 * holding and reading the results kept on nodes {@link DriverObjects}'.
 */
public final class ConnectedDriver implements ClusterLink, ObjectOwner {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Forwarding workers: they send the tasks whose ref arguments were not ready at submission (the
     * others go from the submitting thread), each without waiting for its answer.
     */
    private static final int FORWARDING_WORKERS = 64;

    private final EmbeddedTransport transport;
    private final PeerSessions sessions;
    private final String address;
    /** The job's class path id, named in every call ("" when it ships no jars). */
    private final String job;
    /** The id of the node it is connected to: where its program runs, as the runtime context says. */
    private final String nodeId;
    /** Which nodes died, as the driver's node reports the cluster. */
    private final DriverClusterWatch watch;
    /** Rebuilds lost arguments and sends their calls again, off the session readers' threads. */
    private final ExecutorService recovery = Executors
        .newCachedThreadPool(r -> {
            Thread t = new Thread(r, "mobula-driver-recovery");
            t.setDaemon(true);
            return t;
        });
    /** Lends the driver's refs nested in what it sends, and borrows those nested in what comes back. */
    private final DriverLending lending;
    /** The driver's classes' codec, refs nested in values crossing through {@link #lending}. */
    private final ValueCodec codec;
    /** The results kept on nodes, held with their lineage. */
    private final DriverObjects objects;
    /** Sends the calls and hears their answers. */
    private final DriverCalls calls;
    /** Reads the values of streaming generators as they are made. */
    private final DriverStreams streams;

    private ConnectedDriver(EmbeddedTransport transport, PeerSessions sessions, String address, String nodeId, String job,
                            List<Path> jars) {
        this.transport = transport;
        this.sessions = sessions;
        this.address = address;
        this.job = job;
        this.nodeId = nodeId;
        this.watch = new DriverClusterWatch(sessions, address);
        this.objects = new DriverObjects(sessions, watch, this);
        this.lending = new DriverLending(sessions, address, nodeId, watch, this, recovery);
        this.codec = RemoteCall.codecFor(RemoteCall.class.getClassLoader(), lending);
        this.calls = new DriverCalls(sessions, address, job, jars, codec, watch, objects, recovery);
        this.streams = new DriverStreams(sessions, codec, objects, calls);
    }

    @Override
    public Object read(NodeObject object) {
        return objects.read(object, codec);
    }

    @Override
    public boolean holderGone(NodeObject object) {
        return watch.holderGone(object);
    }

    /** See {@link DriverClusterWatch#lost}. */
    @Override
    public boolean lost(NodeObject object, MobulaException failure) {
        return watch.lost(object, failure);
    }

    @Override
    public Object rerun(Lineage lineage) {
        return calls.rerun(lineage);
    }

    /**
     * Frees a result kept on a node now (its ref was freed): returns once the node has dropped it.
     * One whose node died needs nothing: it went with the node.
     */
    @Override
    public void free(NodeObject object) {
        if (watch.holderGone(object)) {
            return;
        }
        try {
            RemoteCall.decodeAnswer(sessions.send(object.address(), ObjectMessages.free(object.id()))
                .get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "freeing object " + object.id());
        } catch (ExecutionException | TimeoutException | java.io.IOException e) {
            if (!watch.holderGone(object)) {
                throw new MobulaException("the node at " + object.address() + " did not confirm freeing object " + object.id()
                    + ": " + e.getMessage(), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MobulaException("interrupted while freeing object " + object.id() + " on the node at "
                + object.address(), e);
        }
    }

    /** The node this driver is connected to: where its program runs, as its runtime context names it. */
    @Override
    public String nodeId() {
        return nodeId;
    }

    /**
     * Connects to the node at {@code address} (checking the secret at once) and returns the driver's
     * own runtime.
     *
     * @throws MobulaException if the address is bad, no node answers there, or the secret is refused.
     */
    public static NodeRuntime runtimeFor(String address, String namespace) {
        try {
            AeronChannels.parseAddress(address);
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
        List<Path> jars = JobUpload.configuredJars();
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
            .cpus(FORWARDING_WORKERS).namespace(namespace), driver);
        driver.lending.bindTo(runtime);
        driver.calls.jobId(Long.parseUnsignedLong(runtime.jobId(), 16));
        return runtime;
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
                byte[] piece = bytes.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
                answer = ask(ObjectMessages.write(id, encoded.kind(), size, offset, piece), DriverCalls.CALL_TIMEOUT.toMillis(),
                    "storing a value of " + size + " bytes");
            }
            if (!(objects.held(answer, null, null) instanceof ObjectOnNode stored)) { // a put: no lineage to make it again
                throw new MobulaException("the node at " + address + " did not store the value " + id);
            }
            return stored;
        };
    }

    @Override
    public void invokeAsync(TaskSpec task, Object[] args, Completion done) throws Exception {
        FunctionDescriptor f = task.descriptor();
        RemoteCall.Call call = RemoteCall.task(job, f.className(), f.methodName(), f.methodSignature(), task.requested(),
            task.strategy(), task.isolated(), args, codec, task.resultId());
        calls.sendAsync(address, call, task, done, args, 0);
    }

    /**
     * The generator's call goes as a task's does, then its first read right behind it on the same
     * session (so the node has the call when the read comes). Its values and end come through the
     * reads; the call's own answer (sent when the task ends) says nothing they do not.
     */
    @Override
    public void invokeGeneratorAsync(TaskSpec task, Object[] args, StreamSink sink) throws Exception {
        FunctionDescriptor f = task.descriptor();
        RemoteCall.Call call = RemoteCall.task(job, f.className(), f.methodName(), f.methodSignature(), task.requested(),
            task.strategy(), task.isolated(), args, codec, task.resultId()).asGenerator();
        Throwable[] notSent = new Throwable[1];
        boolean sent = calls.sendAsync(address, call, task, (value, failure) -> {
            if (failure != null) {
                notSent[0] = failure; // read below only when it was not sent: the reads say the rest
            }
        }, args, DriverCalls.NEVER_AGAIN);
        if (sent) {
            streams.read(address, task, sink);
        } else {
            sink.end(notSent[0]);
        }
    }

    @Override
    public void invokeMethodAsync(TaskSpec method, Object[] args, Completion done) throws Exception {
        RemoteActor actor = (RemoteActor) args[0];
        FunctionDescriptor f = method.descriptor();
        Object[] rest = Arrays.copyOfRange(args, 1, args.length);
        RemoteCall.Call call = RemoteCall.actorCall(job, actor.id(), f.className(), f.methodName(), f.methodSignature(),
            method.concurrencyGroup(), rest, codec, method.resultId());
        calls.sendAsync(actor.address(), call, method, done, rest, 0);
    }

    @Override
    public void cancel(TaskSpec call, boolean force, boolean recursive) {
        calls.cancel(call, force, recursive);
    }

    @Override
    public Object construct(ActorRecord actor, TaskSpec creation, Object[] args) throws Exception {
        if (creation.function() instanceof AttachedActor attached) {
            return attached.place(); // an actor the cluster has already, found by name
        }
        FunctionDescriptor f = creation.descriptor();
        RemoteCall.Call call = RemoteCall.actorCreation(job, f.className(), f.methodName(), f.methodSignature(),
            creation.requested(), creation.strategy(), creation.isolated(), actor.maxRestarts(), actor.maxConcurrency(),
            actor.restarts(), actor.detached(), actor.name(), actor.namespace(), actor.concurrencyGroups().declared(), args,
            codec);
        try {
            RemoteActor place = RemoteActor.parse((String) calls.answerOf(address, call, creation));
            watch.actorPlaced(place, actor); // built again elsewhere if its node dies
            return place;
        } catch (Exception e) {
            if (actor.name() != null) {
                sessions.send(address, NameMessages.unname(actor.name(), actor.namespace(), "")); // claimed, never made: free it
            }
            throw e;
        }
    }

    @Override
    public void kill(ActorRecord actor) {
        if (actor.instance() instanceof RemoteActor place) {
            sessions.send(place.address(), RemoteCall.actorKill(place.id())); // its node frees its name too
        }
    }

    @Override
    public boolean killAndRestart(ActorRecord actor) {
        if (!(actor.instance() instanceof RemoteActor place)) {
            return true; // not built yet: the instance coming is a fresh one
        }
        return Boolean.TRUE.equals(ask(place.address(), RemoteCall.actorKill(place.id(), true), CONNECT_TIMEOUT.toMillis(),
            "killing and restarting actor " + actor.displayName()));
    }

    @Override
    public void claimActorName(String name, String namespace) {
        if (!Boolean.TRUE.equals(ask(NameMessages.claim(name, namespace), CONNECT_TIMEOUT.toMillis(),
            "actor name '" + name + "'"))) {
            throw new ActorNameTakenException("an actor named '" + name + "' already lives in namespace '" + namespace
                + "' of the cluster; pick another name, or look it up with getActor(\"" + name + "\", \"" + namespace + "\")");
        }
    }

    @Override
    public AttachedActor lookupActor(String name, String namespace) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String what = "actor name '" + name + "' in namespace '" + namespace + "'";
        while (true) {
            NameMessages.Message found;
            try {
                byte[] answer = sessions.send(address, NameMessages.lookup(name, namespace))
                    .get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (RemoteCall.isFailure(answer)) {
                    RemoteCall.decodeAnswer(answer, what); // throws what the head said
                }
                found = NameMessages.decode(answer);
            } catch (MobulaException e) {
                throw e;
            } catch (ExecutionException | TimeoutException | java.io.IOException e) {
                throw new MobulaException("the node at " + address + " did not answer about " + what + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MobulaException("interrupted while asking the node at " + address + " about " + what, e);
            }
            if (found.kind() == NameMessages.UNNAME) {
                return null;
            }
            if (found.kind() == NameMessages.PLACED) {
                return new AttachedActor(found.className(), RemoteActor.parse(found.place()));
            }
            if (System.nanoTime() > deadline) {
                return null; // still being made: not there yet
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
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
        return ask(address, request, timeoutMs, what);
    }

    /** A request to the node at {@code where}, answered within {@code timeoutMs}. */
    private Object ask(String where, byte[] request, long timeoutMs, String what) {
        try {
            return RemoteCall.decodeAnswer(sessions.send(where, request).get(timeoutMs, TimeUnit.MILLISECONDS), what);
        } catch (MobulaException e) {
            throw e;
        } catch (ExecutionException | TimeoutException | java.io.IOException e) {
            throw new MobulaException("the node at " + where + " did not answer about " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MobulaException("interrupted while asking the node at " + where + " about " + what, e);
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
        streams.close();
        watch.close();
        recovery.shutdownNow();
        objects.close();
        sessions.close();
        transport.close();
    }
}
