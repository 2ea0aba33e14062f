package io.mobula.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.mobula.ActorDiedException;
import io.mobula.InfeasibleResourcesException;
import io.mobula.InternalAccess;
import io.mobula.MobulaException;
import io.mobula.NodeInfo;
import io.mobula.ObjectRef;
import io.mobula.SchedulingStrategy;
import io.mobula.TaskException;
import io.mobula.runtime.ActorRecord;
import io.mobula.runtime.NodeRuntime;
import io.mobula.runtime.ObjectEntry;
import io.mobula.runtime.RetryPolicy;
import io.mobula.transport.AuthServer;

/**
 * What a node does with the requests its server accepts (from drivers, other nodes and, at the
 * head, joining nodes): work is placed ({@link Placement}) and either submitted to this node's
 * runtime or passed on to the node chosen, whose answer is relayed; status requests get the
 * cluster as this node knows it; control commands go to the head's tables. Answers go back when the
 * work is done, never by blocking the server's thread.
 */
final class NodeService implements AuthServer.AsyncRequestHandler {
    private final NodeRuntime runtime;
    private final String address;
    private final boolean head;
    private final HeadTables tables;
    private final ClusterView view;
    private final PeerSessions peers;
    private final Placement placement = new Placement();
    /** Actors created here for drivers and other nodes, by their id on this node. */
    private final Map<Long, ActorRecord> actors = new ConcurrentHashMap<>();

    NodeService(NodeRuntime runtime, String address, boolean head, HeadTables tables, ClusterView view, PeerSessions peers) {
        this.runtime = runtime;
        this.address = address;
        this.head = head;
        this.tables = tables;
        this.view = view;
        this.peers = peers;
    }

    @Override
    public void handle(long session, byte[] payload, AuthServer.Reply reply) {
        if (payload.length > 0 && payload[0] >= RemoteCall.TASK && payload[0] <= RemoteCall.ACTOR_KILL) {
            onCall(payload, reply);
            return;
        }
        String text = new String(payload, StandardCharsets.UTF_8);
        if (text.equals(NodeStatus.REQUEST)) {
            reply.send(clusterStatus());
        } else if (tables == null) {
            reply.send("error only the head keeps the cluster's tables".getBytes(StandardCharsets.UTF_8));
        } else {
            reply.send(tables.command(text).getBytes(StandardCharsets.UTF_8));
        }
    }

    private void onCall(byte[] payload, AuthServer.Reply reply) {
        RemoteCall.Call call;
        try {
            call = RemoteCall.decode(payload);
        } catch (IOException | RuntimeException e) {
            reply.send(RemoteCall.encodeFailure(IllegalArgumentException.class.getName(), "malformed call: " + e.getMessage(), ""));
            return;
        }
        try {
            switch (call.kind()) {
                case RemoteCall.TASK, RemoteCall.ACTOR_CREATE -> place(call, reply);
                case RemoteCall.ACTOR_CALL -> callActor(call, reply);
                case RemoteCall.ACTOR_KILL -> killActor(call, reply);
                default -> throw new IllegalStateException("not a call kind: " + call.kind());
            }
        } catch (RuntimeException e) {
            reply.send(RemoteCall.encodeFailure(e)); // a bad function name, an infeasible request: said, not thrown
        }
    }

    private void place(RemoteCall.Call call, AuthServer.Reply reply) {
        NodeInfo self = self();
        Placement.Target target = placement.place(call.requested(), call.strategy(), call.placed(), self, view.peers(self.id()));
        if (target.problem() != null) {
            reply.send(RemoteCall.encodeFailure(new InfeasibleResourcesException(call.displayName() + ": " + target.problem())));
        } else if (target.here()) {
            runHere(call, reply);
        } else {
            String peer = target.node().address();
            peers.send(peer, RemoteCall.encode(call.placedHere())).whenComplete((answer, error) -> reply.send(error == null
                ? answer
                : RemoteCall.encodeFailure(new MobulaException("node " + target.node().id() + " at " + peer + " chosen for "
                    + call.displayName() + " could not be reached: " + error.getMessage(), error))));
        }
    }

    private void runHere(RemoteCall.Call call, AuthServer.Reply reply) {
        SchedulingStrategy here = SchedulingStrategy.defaultStrategy();
        if (call.kind() == RemoteCall.TASK) {
            ReflectiveFunction function = ReflectiveFunction.find(call.className(), call.methodName(), call.signature(), false);
            ObjectEntry result = runtime.submitTask(function, call.args(), call.requested(), RetryPolicy.NONE, here);
            answerWhenReady(call, result, reply);
        } else {
            ReflectiveFunction constructor = ReflectiveFunction.find(call.className(), call.methodName(), call.signature(), false);
            ActorRecord actor = runtime.createActor(constructor, call.args(), call.requested(), call.maxRestarts(),
                Math.max(1, call.maxConcurrency()), null, here);
            actors.put(actor.id(), actor);
            reply.send(RemoteCall.encodeResult(new RemoteActor(actor.id(), address).toString()));
        }
    }

    private void callActor(RemoteCall.Call call, AuthServer.Reply reply) {
        ActorRecord actor = actors.get(call.actorId());
        if (actor == null) {
            throw new ActorDiedException("no actor " + call.actorId() + " lives on node " + runtime.nodeId() + " at " + address
                + " (it was killed, or the node restarted)");
        }
        ReflectiveFunction method = ReflectiveFunction.find(call.className(), call.methodName(), call.signature(), true);
        answerWhenReady(call, runtime.submitActorCall(actor, method, call.args(), RetryPolicy.NONE), reply);
    }

    private void killActor(RemoteCall.Call call, AuthServer.Reply reply) {
        ActorRecord actor = actors.remove(call.actorId());
        if (actor != null) {
            runtime.kill(actor);
        }
        reply.send(RemoteCall.encodeResult(actor != null));
    }

    private void answerWhenReady(RemoteCall.Call call, ObjectEntry entry, AuthServer.Reply reply) {
        ObjectRef<Object> result = InternalAccess.newRef(entry, runtime);
        InternalAccess.whenReady(result, () -> reply.send(outcome(call, result)));
    }

    /** The answer for finished work: its encoded result, or what it threw. */
    private static byte[] outcome(RemoteCall.Call call, ObjectRef<Object> result) {
        try {
            byte[] answer = RemoteCall.encodeResult(result.get());
            if (answer.length > RemoteCall.MAX_BYTES) {
                return RemoteCall.encodeFailure(IllegalArgumentException.class.getName(), "the result of "
                    + call.displayName() + " takes " + answer.length + " bytes; a call's answer carries at most "
                    + RemoteCall.MAX_BYTES + " for now", "");
            }
            return answer;
        } catch (TaskException e) {
            return RemoteCall.encodeFailure(e.remoteClassName(), e.remoteMessage(), e.remoteStackTrace());
        } catch (RuntimeException e) {
            return RemoteCall.encodeFailure(e);
        }
    }

    /** This node as the cluster sees it. */
    NodeInfo self() {
        return ClusterView.toInfo(NodeDaemon.status(runtime, address, head));
    }

    /** This node's status, then every other node this node knows of, as {@code ---}-separated blocks. */
    private byte[] clusterStatus() {
        NodeStatus self = NodeDaemon.status(runtime, address, head);
        if (tables != null) {
            return tables.clusterStatus(self);
        }
        List<String> blocks = new ArrayList<>();
        blocks.add(new String(self.encode(), StandardCharsets.UTF_8));
        for (NodeStatus other : view.statuses()) {
            if (!other.get("id").equals(self.get("id"))) {
                blocks.add(new String(other.encode(), StandardCharsets.UTF_8));
            }
        }
        return String.join("---\n", blocks).getBytes(StandardCharsets.UTF_8);
    }
}
