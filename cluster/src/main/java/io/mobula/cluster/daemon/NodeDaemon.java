package io.mobula.cluster.daemon;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import io.mobula.runtime.RuntimeAccess;
import io.mobula.Mobula;
import io.mobula.NodeContext;
import io.mobula.cluster.objects.ObjectManager;
import io.mobula.cluster.objects.ObjectManagerContext;
import io.mobula.runtime.NodeActivity;
import io.mobula.runtime.NodeRuntime;
import io.mobula.StoreStats;
import io.mobula.transport.AeronChannels;
import io.mobula.transport.AuthServer;
import io.mobula.transport.ClusterSecret;
import io.mobula.transport.EmbeddedTransport;
import io.mobula.cluster.control.ControlService;
import io.mobula.cluster.wire.PeerSessions;
import io.mobula.cluster.control.HeadTables;
import io.mobula.cluster.host.NodeRecord;
import io.mobula.cluster.host.StateDirectory;
import io.mobula.cluster.jobs.JobClassPaths;
import io.mobula.cluster.membership.ClusterView;
import io.mobula.cluster.membership.Membership;
import io.mobula.cluster.wire.NodeStatus;
import io.mobula.cluster.wire.RemoteCall;

/**
 * A node as a process of its own ({@code mobula start} runs this): an embedded node, its Aeron
 * media driver, and an authenticated server on {@code BIND:PORT} (loopback unless {@code --bind}
 * names another address) that serves holders of the cluster secret: drivers' and other nodes' work
 * ({@link NodeService}), status, and at the head the control commands of joining nodes. It records
 * itself in the host's state directory and removes the record when it stops (SIGTERM, from
 * {@code mobula stop}).
 * <p>
 * A head also runs the {@link ControlService}: nodes join it ({@code --join HOST:PORT}) and send a
 * heartbeat every second; one silent for {@code --dead-after-ms} (default 5 s) is declared dead.
 * Every command goes to the head's control log first, so a restarted head has its tables back.
 * <p>
 * Arguments: {@code --port P --state-dir DIR [--bind ADDRESS] [--head | --join HOST:PORT]
 * [--resources SPEC] [--dead-after-ms N]}.
 */
public final class NodeDaemon {
    /** The stream this node serves requests on: {@link PeerSessions#STREAM}, named here for those that talk to a node. */
    public static final int STREAM = PeerSessions.STREAM;
    /** How long a node's idle threads spin before parking, in µs (an embedded node's: 50). */
    static final long SERVING_SPIN_US = 300;

    private NodeDaemon() {
    }

    public static void main(String[] args) throws Exception {
        int port = 0;
        Path stateDir = null;
        String bind = "127.0.0.1";
        boolean head = false;
        Map<String, Double> resources = new LinkedHashMap<>();
        String join = null;
        long deadAfterMs = 5000;
        Path storeDir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--state-dir" -> stateDir = Path.of(args[++i]);
                case "--bind" -> bind = args[++i];
                case "--head" -> head = true;
                case "--join" -> join = args[++i];
                case "--resources" -> resources.putAll(ResourceSpec.parse(args[++i]));
                case "--dead-after-ms" -> deadAfterMs = Long.parseLong(args[++i]);
                case "--store-dir" -> storeDir = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (port == 0 || stateDir == null) {
            throw new IllegalArgumentException("usage: NodeDaemon --port P --state-dir DIR [--bind ADDRESS] [--head | --join "
                + "HOST:PORT] [--resources SPEC] [--dead-after-ms N] [--store-dir DIR]");
        }
        StaleFiles.removeDeadProcessFiles(Path.of("/dev/shm")); // what crashed nodes and readers left behind
        StateDirectory state = new StateDirectory(stateDir);
        ClusterSecret secret = state.secret(false);
        // A node serves round trips that arrive one after another from drivers: its threads keep
        // spinning a little longer after work than an embedded node's, so a call that follows within
        // the round trip finds its worker leased and awake instead of waking the scheduler and a worker.
        NodeContext context = new NodeContext().spinBeforePark(SERVING_SPIN_US, java.util.concurrent.TimeUnit.MICROSECONDS);
        resources.forEach(context::resource);
        if (storeDir != null) {
            context.storeDirectory(storeDir);
        }
        long pid = ProcessHandle.current().pid();
        String address = bind + ":" + port;
        Mobula mobula = Mobula.init(context);
        NodeRuntime runtime = RuntimeAccess.runtimeOf(mobula);
        EmbeddedTransport transport = new EmbeddedTransport();
        ClusterView view = new ClusterView();
        HeadTables tables = head ? new HeadTables(state.root().resolve("control-" + port + ".log"), deadAfterMs, view::update)
            : null;
        PeerSessions peers = new PeerSessions(transport, secret, state);
        ObjectManager objects = new ObjectManager(new ObjectManagerContext().aeron(transport.aeron())
            .store(runtime.objectStore()).secret(secret).host(bind));
        NodeService service = new NodeService(runtime, address, head, join, tables, view, peers,
            new JobClassPaths(state.root().resolve("jars"), loader -> RemoteCall.codecFor(loader, null)), objects);
        AuthServer server = new AuthServer(transport.aeron(), AeronChannels.udp(bind, port), STREAM, secret, service)
            .onSessionEnd(service::sessionEnded).start();
        // processes on this host (drivers, nodes) reach it over IPC through its media driver, same handshake
        AuthServer local = new AuthServer(transport.aeron(), AeronChannels.IPC, STREAM, secret, service)
            .onSessionEnd(service::sessionEnded).start();
        if (tables != null) {
            tables.serving(); // members are judged silent only once they can reach the head
        }
        Membership membership = join == null ? null : Membership.join(transport, join, secret,
            Long.parseUnsignedLong(runtime.nodeId(), 16), service::selfStatus, view, () -> {
                service.fenced();
                return Long.parseUnsignedLong(runtime.nodeId(), 16);
            });
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            state.forget(pid);
            if (membership != null) {
                membership.close();
            }
            server.close();
            local.close();
            service.close();
            objects.close();
            peers.close();
            if (tables != null) {
                tables.close();
            }
            transport.close();
            mobula.close();
            stopped.countDown();
        }, "mobula-node-shutdown"));
        state.record(new NodeRecord(pid, address, head, mobula.arenaPath() == null ? "" : mobula.arenaPath().toString(),
            transport.directory()));
        System.out.println("mobula node " + runtime.nodeId() + " (pid " + pid + ") ready at " + address + (head ? " (head)" : ""));
        System.out.flush();
        stopped.await();
    }

    static NodeStatus status(NodeRuntime runtime, String address, boolean head) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("id", runtime.nodeId());
        fields.put("pid", Long.toString(ProcessHandle.current().pid()));
        fields.put("address", address);
        fields.put("head", Boolean.toString(head));
        runtime.totalResources().forEach((name, amount) -> fields.put("total." + name, Double.toString(amount)));
        runtime.availableResources().forEach((name, amount) -> fields.put("available." + name, Double.toString(amount)));
        NodeActivity.Snapshot activity = runtime.activity();
        fields.put("tasks.running", Long.toString(activity.tasksRunning()));
        fields.put("tasks.queued", Long.toString(activity.tasksQueued()));
        fields.put("actors", Long.toString(activity.actorsAlive()));
        fields.put("actors.restarts", Long.toString(activity.actorRestarts()));
        StoreStats store = runtime.storeStats();
        fields.put("store.used", Long.toString(store.usedBytes()));
        fields.put("store.capacity", Long.toString(store.capacityBytes()));
        fields.put("store.objects", Long.toString(store.objectCount()));
        fields.put("store.spilled", Long.toString(store.spilledBytes()));
        return new NodeStatus(fields);
    }
}
