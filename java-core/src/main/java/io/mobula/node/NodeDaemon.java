package io.mobula.node;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import io.mobula.Mobula;
import io.mobula.NodeContext;
import io.mobula.ObjectRef;
import io.mobula.store.StoreStats;
import io.mobula.transport.AeronChannels;
import io.mobula.transport.AuthServer;
import io.mobula.transport.ClusterSecret;
import io.mobula.transport.EmbeddedTransport;

/**
 * A node as a process of its own ({@code mobula start} runs this): an embedded node, its Aeron
 * media driver, and an authenticated server on {@code 127.0.0.1:PORT} that answers status requests
 * from holders of the cluster secret. It records itself in the host's state directory and removes
 * the record when it stops (SIGTERM, from {@code mobula stop}).
 * <p>
 * A head also runs the {@link ControlService}: nodes join it ({@code --join HOST:PORT}) and send a
 * heartbeat every second; one silent for {@code --dead-after-ms} (default 5 s) is declared dead.
 * Every command goes to the head's control log first, so a restarted head has its tables back.
 * <p>
 * Arguments: {@code --port P --state-dir DIR [--head | --join HOST:PORT] [--resources SPEC]
 * [--dead-after-ms N]}.
 */
public final class NodeDaemon {
    public static final int STREAM = 1001;

    private NodeDaemon() {
    }

    public static void main(String[] args) throws Exception {
        int port = 0;
        Path stateDir = null;
        boolean head = false;
        Map<String, Double> resources = new LinkedHashMap<>();
        String join = null;
        long deadAfterMs = 5000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--state-dir" -> stateDir = Path.of(args[++i]);
                case "--head" -> head = true;
                case "--join" -> join = args[++i];
                case "--resources" -> resources.putAll(ResourceSpec.parse(args[++i]));
                case "--dead-after-ms" -> deadAfterMs = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (port == 0 || stateDir == null) {
            throw new IllegalArgumentException("usage: NodeDaemon --port P --state-dir DIR [--head] [--resources SPEC]");
        }
        StaleFiles.removeDeadProcessFiles(Path.of("/dev/shm")); // what crashed nodes and readers left behind
        StateDirectory state = new StateDirectory(stateDir);
        ClusterSecret secret = state.secret(false);
        NodeContext context = new NodeContext();
        resources.forEach(context::resource);
        long pid = ProcessHandle.current().pid();
        String address = "127.0.0.1:" + port;
        boolean isHead = head;
        Mobula mobula = Mobula.init(context);
        EmbeddedTransport transport = new EmbeddedTransport();
        HeadTables tables = head ? new HeadTables(state.root().resolve("control-" + port + ".log"), deadAfterMs) : null;
        AuthServer server = new AuthServer(transport.aeron(), AeronChannels.udp("127.0.0.1", port), STREAM, secret,
            (AuthServer.AsyncRequestHandler) (session, payload, reply) -> {
                if (payload.length > 0 && payload[0] == RemoteCall.CALL) {
                    runCall(mobula, payload, reply); // answered when the task is done, not on this thread
                } else {
                    reply.send(answer(payload, status(mobula, pid, address, isHead), tables));
                }
            }).start();
        Membership membership = join == null ? null
            : Membership.join(transport, join, secret, pid, () -> status(mobula, pid, address, false));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            state.forget(pid);
            if (membership != null) {
                membership.close();
            }
            server.close();
            if (tables != null) {
                tables.close();
            }
            transport.close();
            mobula.close();
            stopped.countDown();
        }, "mobula-node-shutdown"));
        state.record(new NodeRecord(pid, address, head, mobula.arenaPath() == null ? "" : mobula.arenaPath().toString()));
        System.out.println("mobula node " + pid + " ready at " + address + (head ? " (head)" : ""));
        System.out.flush();
        stopped.await();
    }

    /** A request's answer: this node's status, or (at the head) the cluster's, or a control command's result. */
    static byte[] answer(byte[] payload, NodeStatus self, HeadTables tables) {
        String text = new String(payload, java.nio.charset.StandardCharsets.UTF_8);
        if (text.equals(NodeStatus.REQUEST)) {
            return tables == null ? self.encode() : tables.clusterStatus(self);
        }
        if (tables == null) {
            return "error only the head keeps the cluster's tables".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        return tables.command(text).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Runs a connected driver's task through this node's scheduler and answers, when it is done,
     * with its result or what it threw. The server's thread only submits: calls from drivers run
     * concurrently, as the node's resources allow.
     */
    static void runCall(Mobula mobula, byte[] payload, AuthServer.Reply reply) {
        RemoteCall.Call call;
        try {
            call = RemoteCall.decodeCall(payload);
        } catch (java.io.IOException | RuntimeException e) {
            reply.send(RemoteCall.encodeFailure(IllegalArgumentException.class.getName(), "malformed call: " + e.getMessage(), ""));
            return;
        }
        ObjectRef<Object> result;
        try {
            ReflectiveFunction function = ReflectiveFunction.find(call.className(), call.methodName(), call.signature());
            result = io.mobula.InternalAccess.submitTask(mobula, function, call.args());
        } catch (RuntimeException e) {
            reply.send(failure(e));
            return;
        }
        io.mobula.InternalAccess.whenReady(result, () -> reply.send(outcome(call, result)));
    }

    /** The answer for a finished call: its encoded result, or what it threw. */
    private static byte[] outcome(RemoteCall.Call call, ObjectRef<Object> result) {
        try {
            byte[] answer = RemoteCall.encodeResult(result.get());
            if (answer.length > RemoteCall.MAX_BYTES) {
                return RemoteCall.encodeFailure(IllegalArgumentException.class.getName(), "the result of "
                    + call.className() + "." + call.methodName() + " takes " + answer.length + " bytes; a connected driver "
                    + "receives at most " + RemoteCall.MAX_BYTES + " per call for now", "");
            }
            return answer;
        } catch (io.mobula.TaskException e) {
            return RemoteCall.encodeFailure(e.remoteClassName(), e.remoteMessage(), e.remoteStackTrace());
        } catch (RuntimeException e) {
            return failure(e);
        }
    }

    private static byte[] failure(RuntimeException e) {
        java.io.StringWriter trace = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(trace));
        return RemoteCall.encodeFailure(e.getClass().getName(), e.getMessage(), trace.toString());
    }

    static NodeStatus status(Mobula mobula, long pid, String address, boolean head) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("id", Long.toString(pid));
        fields.put("pid", Long.toString(pid));
        fields.put("address", address);
        fields.put("head", Boolean.toString(head));
        mobula.totalResources().forEach((name, amount) -> fields.put("total." + name, Double.toString(amount)));
        mobula.availableResources().forEach((name, amount) -> fields.put("available." + name, Double.toString(amount)));
        StoreStats store = mobula.storeStats();
        fields.put("store.used", Long.toString(store.usedBytes()));
        fields.put("store.capacity", Long.toString(store.capacityBytes()));
        fields.put("store.objects", Long.toString(store.objectCount()));
        fields.put("store.spilled", Long.toString(store.spilledBytes()));
        return new NodeStatus(fields);
    }
}
