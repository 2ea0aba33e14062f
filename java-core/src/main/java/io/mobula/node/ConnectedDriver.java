package io.mobula.node;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.mobula.MobulaException;
import io.mobula.NodeContext;
import io.mobula.NodeInfo;
import io.mobula.runtime.ActorRecord;
import io.mobula.runtime.FunctionDescriptor;
import io.mobula.runtime.NodeRuntime;
import io.mobula.runtime.TaskInvoker;
import io.mobula.runtime.TaskSpec;
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

    private ConnectedDriver(EmbeddedTransport transport, PeerSessions sessions, String address, String job) {
        this.transport = transport;
        this.sessions = sessions;
        this.address = address;
        this.job = job;
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
        try {
            secret = StateDirectory.fromEnvironment().secret(false);
        } catch (RuntimeException e) {
            throw new MobulaException("cannot connect to " + address + ": " + e.getMessage(), e);
        }
        EmbeddedTransport transport = new EmbeddedTransport();
        PeerSessions sessions = new PeerSessions(transport, secret);
        String job;
        try {
            // joined now, not at the first task: a wrong address or secret fails here
            sessions.send(address, NodeStatus.REQUEST.getBytes(StandardCharsets.UTF_8))
                .get(2 * CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            job = JobUpload.register(sessions, address, JobUpload.configuredJars());
        } catch (Exception e) {
            sessions.close();
            transport.close();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new MobulaException("cannot connect to the node at " + address + ": " + cause.getMessage(), cause);
        }
        // The driver's own node: it holds the program's objects (privately) and forwards its work.
        // Its CPUs are forwarding workers; what bounds the calls in flight is MAX_IN_FLIGHT.
        return new NodeRuntime(new NodeContext().sharedArena(false).storeCapacityBytes(1L << 30).gpus(0)
            .cpus(FORWARDING_WORKERS), new ConnectedDriver(transport, sessions, address, job));
    }

    @Override
    public Object invoke(TaskSpec task, Object[] args) throws Exception {
        FunctionDescriptor f = task.descriptor();
        RemoteCall.Call call = RemoteCall.task(job, f.className(), f.methodName(), f.methodSignature(), task.requested(),
            task.strategy(), task.isolated(), args);
        return RemoteCall.decodeAnswer(send(address, call, task), task.displayName());
    }

    @Override
    public void invokeAsync(TaskSpec task, Object[] args, Completion done) throws Exception {
        FunctionDescriptor f = task.descriptor();
        RemoteCall.Call call = RemoteCall.task(job, f.className(), f.methodName(), f.methodSignature(), task.requested(),
            task.strategy(), task.isolated(), args);
        sendAsync(address, call, task, done);
    }

    @Override
    public void invokeMethodAsync(TaskSpec method, Object[] args, Completion done) throws Exception {
        RemoteActor actor = (RemoteActor) args[0];
        FunctionDescriptor f = method.descriptor();
        Object[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        RemoteCall.Call call = RemoteCall.actorCall(job, actor.id(), f.className(), f.methodName(), f.methodSignature(), rest);
        sendAsync(actor.address(), call, method, done);
    }

    @Override
    public Object construct(ActorRecord actor, TaskSpec creation, Object[] args) throws Exception {
        FunctionDescriptor f = creation.descriptor();
        RemoteCall.Call call = RemoteCall.actorCreation(job, f.className(), f.methodName(), f.methodSignature(),
            creation.requested(), creation.strategy(), creation.isolated(), actor.maxRestarts(), actor.maxConcurrency(), args);
        return RemoteActor.parse((String) RemoteCall.decodeAnswer(send(address, call, creation), creation.displayName()));
    }

    @Override
    public Object invokeMethod(TaskSpec method, Object[] args) throws Exception {
        RemoteActor actor = (RemoteActor) args[0];
        FunctionDescriptor f = method.descriptor();
        Object[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        RemoteCall.Call call = RemoteCall.actorCall(job, actor.id(), f.className(), f.methodName(), f.methodSignature(), rest);
        return RemoteCall.decodeAnswer(send(actor.address(), call, method), method.displayName());
    }

    @Override
    public void kill(Object instance) {
        if (instance instanceof RemoteActor actor) {
            sessions.send(actor.address(), RemoteCall.actorKill(actor.id())); // the local record is dead already
        }
    }

    /**
     * Sends a call without waiting: its answer is decoded and handed to {@code done} on the session's
     * reader thread. Waits (interruptibly) only while {@link #MAX_IN_FLIGHT} calls are out already.
     */
    private void sendAsync(String node, RemoteCall.Call call, TaskSpec spec, Completion done) throws InterruptedException {
        byte[] payload = payload(call, spec);
        inFlight.acquire();
        sessions.send(node, payload, (answer, failure) -> {
            inFlight.release();
            if (failure != null) {
                done.complete(null, new MobulaException("the call to the node at " + node + " failed: " + failure.getMessage(),
                    failure));
                return;
            }
            Object value;
            try {
                value = RemoteCall.decodeAnswer(answer, spec.displayName());
            } catch (Exception e) {
                done.complete(null, e);
                return;
            }
            done.complete(value, null);
        });
    }

    private static byte[] payload(RemoteCall.Call call, TaskSpec spec) {
        byte[] payload = RemoteCall.encode(call);
        if (payload.length > RemoteCall.MAX_BYTES) {
            throw new IllegalArgumentException("the arguments of " + spec.displayName() + " take " + payload.length
                + " bytes; a call carries at most " + RemoteCall.MAX_BYTES + " for now (objects move between processes "
                + "in chunks once the object manager lands); pass less, or run on the node's host");
        }
        return payload;
    }

    private byte[] send(String node, RemoteCall.Call call, TaskSpec spec) throws Exception {
        byte[] payload = payload(call, spec);
        try {
            return sessions.send(node, payload).get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new MobulaException("the call to the node at " + node + " failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public boolean placesElsewhere() {
        return true;
    }

    @Override
    public List<NodeInfo> nodes() {
        try {
            byte[] answer = sessions.send(address, NodeStatus.REQUEST.getBytes(StandardCharsets.UTF_8))
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
        sessions.close();
        transport.close();
    }
}
