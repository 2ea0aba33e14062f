package io.mobula.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.mobula.MobulaException;
import io.mobula.NodeContext;
import io.mobula.runtime.NodeRuntime;
import io.mobula.runtime.TaskInvoker;
import io.mobula.runtime.TaskSpec;
import io.mobula.transport.AeronChannels;
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

    private final EmbeddedTransport transport = new EmbeddedTransport();
    private final String host;
    private final int port;
    private final ClusterSecret secret;
    private final List<AuthClient> clients = new ArrayList<>();
    private final ThreadLocal<AuthClient> session = new ThreadLocal<>();
    private volatile AuthClient pipelined;

    private ConnectedDriver(String host, int port, ClusterSecret secret) {
        this.host = host;
        this.port = port;
        this.secret = secret;
    }

    /**
     * Connects to the node at {@code address} (checking the secret at once) and returns the driver's
     * own runtime.
     *
     * @throws MobulaException if the address is bad, no node answers there, or the secret is refused.
     */
    public static NodeRuntime runtimeFor(String address) {
        String endpoint;
        try {
            endpoint = AeronChannels.parseAddress(address);
        } catch (IllegalArgumentException e) {
            throw new MobulaException("cannot connect to '" + address + "': " + e.getMessage());
        }
        int colon = endpoint.lastIndexOf(':');
        ClusterSecret secret;
        try {
            secret = StateDirectory.fromEnvironment().secret(false);
        } catch (RuntimeException e) {
            throw new MobulaException("cannot connect to " + address + ": " + e.getMessage(), e);
        }
        ConnectedDriver driver = new ConnectedDriver(endpoint.substring(0, colon), Integer.parseInt(endpoint.substring(colon + 1)),
            secret);
        try {
            driver.pipelined = driver.client(); // fail now, not at the first task, if the node or the secret is wrong
        } catch (RuntimeException e) {
            driver.close();
            throw new MobulaException("cannot connect to the node at " + address + ": " + e.getMessage(), e);
        }
        // The driver's own node: it holds the program's objects (privately) and forwards its tasks.
        // Its CPUs are calls in flight to the node: each forwarding worker waits for its own answer.
        return new NodeRuntime(new NodeContext().sharedArena(false).storeCapacityBytes(1L << 30).gpus(0)
            .cpus(CALLS_IN_FLIGHT), driver);
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
            answer = session().submit(call, CONNECT_TIMEOUT).get(CALL_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new MobulaException("the call to the node failed: " + e.getCause().getMessage(), e.getCause());
        }
        return RemoteCall.decodeAnswer(answer, task.displayName());
    }

    /** The one pipelined session every forwarding worker shares (made on first use). */
    private AuthClient session() {
        AuthClient shared = pipelined;
        if (shared == null) {
            synchronized (clients) {
                if (pipelined == null) {
                    pipelined = client();
                }
                shared = pipelined;
            }
        }
        return shared;
    }

    private AuthClient client() {
        AuthClient client = session.get();
        if (client == null) {
            int replyPort;
            try (DatagramSocket socket = new DatagramSocket(0)) {
                replyPort = socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try {
                client = new AuthClient(transport.aeron(), AeronChannels.udp(host, port), NodeDaemon.STREAM,
                    AeronChannels.udp("127.0.0.1", replyPort), ThreadLocalRandom.current().nextInt(10_000, 1 << 30), secret,
                    CONNECT_TIMEOUT);
            } catch (AuthenticationException e) {
                throw new MobulaException(e.getMessage(), e);
            }
            synchronized (clients) {
                clients.add(client);
            }
            session.set(client);
        }
        return client;
    }

    @Override
    public boolean runsActors() {
        return false;
    }

    @Override
    public void close() {
        synchronized (clients) {
            clients.forEach(AuthClient::close);
            clients.clear();
        }
        transport.close();
    }
}
