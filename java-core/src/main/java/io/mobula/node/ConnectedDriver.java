package io.mobula.node;

import java.time.Duration;

import io.mobula.MobulaException;
import io.mobula.NodeContext;
import io.mobula.runtime.NodeRuntime;
import io.mobula.runtime.TaskInvoker;
import io.mobula.runtime.TaskSpec;
import io.mobula.transport.AuthClient;
import io.mobula.transport.AuthenticationException;
import io.mobula.transport.ClusterSecret;
import io.mobula.transport.EmbeddedTransport;

/**
 * A program connected to a running node ({@code Mobula.init("host:port")}): a node of its own
 * that owns the program's objects and resolves task dependencies (Ray's ownership: the submitter
 * owns what its tasks return), whose worker threads forward each ready task to the node over the
 * authenticated wire and store what comes back; the workers share one pipelined session, many
 * calls in flight, answered as the node finishes them.
 */
public final class ConnectedDriver implements TaskInvoker {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Forwarding workers, sharing one pipelined session: the calls a driver keeps in flight. */
    private static final int CALLS_IN_FLIGHT = 64;
    /** A task may run long: the node answers when it is done. A node that dies mid-call is noticed after this. */
    private static final Duration CALL_TIMEOUT = Duration.ofHours(1);

    private final EmbeddedTransport transport;
    private final AuthClient session;

    private ConnectedDriver(EmbeddedTransport transport, AuthClient session) {
        this.transport = transport;
        this.session = session;
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
        AuthClient session;
        try {
            // joined now, not at the first task: a wrong address or secret fails here
            session = AuthClient.connect(transport.aeron(), address, NodeDaemon.STREAM, secret, CONNECT_TIMEOUT);
        } catch (IllegalArgumentException | AuthenticationException e) {
            transport.close();
            throw new MobulaException("cannot connect to the node at " + address + ": " + e.getMessage(), e);
        }
        // The driver's own node: it holds the program's objects (privately) and forwards its tasks.
        // Its CPUs are calls in flight to the node: each forwarding worker waits for its own answer.
        return new NodeRuntime(new NodeContext().sharedArena(false).storeCapacityBytes(1L << 30).gpus(0)
            .cpus(CALLS_IN_FLIGHT), new ConnectedDriver(transport, session));
    }

    @Override
    public Object invoke(TaskSpec task, Object[] args) throws Exception {
        var descriptor = task.descriptor();
        byte[] call = RemoteCall.encodeCall(descriptor.className(), descriptor.methodName(), descriptor.methodSignature(), args);
        if (call.length > RemoteCall.MAX_BYTES) {
            throw new IllegalArgumentException("the arguments of " + task.displayName() + " take " + call.length
                + " bytes; a connected driver sends at most " + RemoteCall.MAX_BYTES + " per call for now (objects move "
                + "between processes in chunks once the object manager lands); pass less, or run on the node's host");
        }
        byte[] answer;
        try {
            answer = session.submit(call, CONNECT_TIMEOUT).get(CALL_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new MobulaException("the call to the node failed: " + e.getCause().getMessage(), e.getCause());
        }
        return RemoteCall.decodeAnswer(answer, task.displayName());
    }

    @Override
    public boolean runsActors() {
        return false;
    }

    @Override
    public void close() {
        session.close();
        transport.close();
    }
}
