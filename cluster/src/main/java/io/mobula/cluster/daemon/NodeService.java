package io.mobula.cluster.daemon;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import io.mobula.NodeInfo;
import io.mobula.cluster.control.HeadTables;
import io.mobula.cluster.jobs.JobClassPaths;
import io.mobula.cluster.lending.Lends;
import io.mobula.cluster.membership.ClusterView;
import io.mobula.cluster.objects.NodeObjects;
import io.mobula.cluster.objects.ObjectManager;
import io.mobula.cluster.ownership.NodeObject;
import io.mobula.cluster.wire.GroupMessages;
import io.mobula.cluster.wire.JobMessages;
import io.mobula.cluster.wire.LendMessages;
import io.mobula.cluster.wire.NameMessages;
import io.mobula.cluster.wire.NodeStatus;
import io.mobula.cluster.wire.ObjectMessages;
import io.mobula.cluster.wire.PeerSessions;
import io.mobula.cluster.wire.RemoteCall;
import io.mobula.cluster.wire.StreamMessages;
import io.mobula.runtime.NodeRuntime;
import io.mobula.cluster.control.ControlCommands;
import io.mobula.transport.AuthServer;
import io.mobula.transport.MalformedMessageException;
import io.mobula.transport.WireErrors;
import io.mobula.transport.WireInput;

/**
 * What a node does with the requests its server accepts (from drivers, other nodes and, at the
 * head, joining nodes): each goes by its first byte to the handler of its family — calls
 * ({@link CallHandler}, with the reads of generators' values), jobs ({@link JobHandler}), placement groups ({@link GroupHandler}), actor
 * names ({@link NameHandler}) — or is served here: objects read, written and released, lends,
 * status requests (the cluster as this node knows it), and control commands for the head's tables.
 * Answers go back when the work is done, never by blocking the server's thread.
 */
final class NodeService implements AuthServer.AsyncRequestHandler {
    private final NodeRuntime runtime;
    private final String address;
    private final boolean head;
    private final HeadTables tables;
    private final ClusterView view;
    private final NodeObjects objects;
    /** The objects lent out of this node (its own, and its drivers'), kept until their borrowers let go. */
    private final Lends lends;
    private final ObjectManager objectManager;
    /** The status field naming where a node's object manager listens. */
    static final String OBJECT_MANAGER_FIELD = "objects.address";
    /** This node's id and resources in all: fixed for its life. */
    private final Map<String, Double> totals;
    /** What each session owns here: let go when it ends. */
    private final SessionOwnership owned;
    private final CallHandler calls;
    private final JobHandler jobs;
    private final GroupHandler groups;
    private final NameHandler names;
    /** Runs what comes later: the head's records sent again, reads of lends that have not arrived given up. */
    private final ScheduledExecutorService timer = Executors
        .newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mobula-node-timer");
            t.setDaemon(true);
            return t;
        });

    /** @param headAddress where the head listens, for a node that joined one; null at the head. */
    NodeService(NodeRuntime runtime, String address, boolean head, String headAddress, HeadTables tables, ClusterView view,
                PeerSessions peers, JobClassPaths classPaths, ObjectManager objectManager) {
        this.runtime = runtime;
        this.head = head;
        this.objects = new NodeObjects(runtime, address, peers, objectManager, view::dead);
        this.owned = new SessionOwnership(runtime, address, peers, objects);
        this.jobs = new JobHandler(runtime, address, peers, classPaths);
        this.groups = new GroupHandler(runtime, tables, headAddress, this::self, view, peers);
        this.names = new NameHandler(peers, tables, headAddress, timer);
        this.calls = new CallHandler(runtime, address, view, peers, this::self, objects, owned, classPaths, this.jobs, groups,
            names);
        this.lends = new Lends(runtime::nodeId, address, (ref, codec) -> calls.answerFor("object " + ref.id(), ref, codec,
            false), timer);
        NodeLending lending = new NodeLending(peers, runtime, address, lends, view, objects);
        classPaths.crossRefsThrough(loader -> RemoteCall.codecFor(loader, lending));
        this.objectManager = objectManager;
        this.totals = Map.copyOf(runtime.totalResources());
        this.address = address;
        this.tables = tables;
        this.view = view;
        // what waits on a node the head declared dead fails now, as a system failure its owner retries elsewhere
        view.onNodeDeath(node -> {
            peers.declareDead(node.address(), ClusterView.declaredDead(node));
            jobs.peerDied(node.address()); // a node there later must be told anew
            String manager = view.field(node.id(), OBJECT_MANAGER_FIELD);
            if (!manager.isEmpty()) {
                objectManager.nodeDied(manager);
            }
        });
    }

    @Override
    public void handle(long session, byte[] payload, AuthServer.Reply reply) {
        if (RemoteCall.isCall(payload)) {
            calls.onCall(session, payload, reply);
            return;
        }
        if (RemoteCall.isCancel(payload)) {
            calls.onCancel(payload, reply);
            return;
        }
        if (StreamMessages.isRead(payload)) {
            calls.onStreamRead(session, payload, reply);
            return;
        }
        if (JobMessages.kind(payload) != 0) {
            try {
                jobs.onJobMessage(payload, reply);
            } catch (IOException | RuntimeException e) {
                reply.send(RemoteCall.encodeFailure(IllegalArgumentException.class.getName(), "malformed or refused job message: "
                    + e, ""));
            }
            return;
        }
        if (GroupMessages.isGroupMessage(payload)) {
            try {
                groups.onGroupMessage(payload, reply);
            } catch (IOException e) {
                reply.send(RemoteCall.encodeFailure(IllegalArgumentException.class.getName(),
                    "malformed placement group message: " + e, ""));
            } catch (RuntimeException e) {
                reply.send(RemoteCall.encodeFailure(e)); // a group that could never fit, a node outside a cluster
            }
            return;
        }
        if (ObjectMessages.kind(payload) != 0) {
            onObjectMessage(session, payload, reply);
            return;
        }
        if (LendMessages.isLendMessage(payload)) {
            onLendMessage(session, payload, reply);
            return;
        }
        if (NameMessages.isNameMessage(payload)) {
            names.onNameMessage(payload, reply);
            return;
        }
        if (NodeStatus.isRequest(payload)) {
            reply.send(clusterStatus());
            return;
        }
        if (ControlCommands.isCommand(payload)) {
            reply.send(ControlCommands.answer(tables == null ? "error only the head keeps the cluster's tables"
                : tables.command(payload)));
            return;
        }
        // none of the messages a node serves: a peer of another build, or junk
        int template = WireInput.templateId(payload);
        MalformedMessageException e = new MalformedMessageException("Request", "header", template == -1
            ? "not a message of this schema" : "template " + template + " is no message a node serves");
        reply.send(RemoteCall.encodeFailure(IllegalArgumentException.class.getName(), "malformed request: " + e.getMessage(),
            ""));
    }

    /** A driver's large value written here in pieces, an object read in pieces, or released by its owner. */
    private void onObjectMessage(long session, byte[] payload, AuthServer.Reply reply) {
        try {
            ObjectMessages.Message message = ObjectMessages.decode(payload);
            if (message.kind() == ObjectMessages.RELEASE) {
                objects.release(message.id());
                owned.released(message.id());
                reply.send(RemoteCall.encodeResult(Boolean.TRUE));
            } else if (message.kind() == ObjectMessages.FREE) {
                objects.free(message.id());
                owned.released(message.id());
                reply.send(RemoteCall.encodeResult(Boolean.TRUE)); // once dropped: the owner's free returns after this
            } else if (message.kind() == ObjectMessages.WRITE) {
                NodeObject written = objects.writePiece(message.id(), message.valueKind(), message.size(), message.offset(),
                    message.bytes());
                AuthServer.Reply writer = owned.objectsOwnedBy(session, reply); // the writer owns it: released with its session
                writer.send(written == null ? RemoteCall.encodeResult(Boolean.TRUE) : RemoteCall.encodeStayed(written));
            } else {
                reply.send(RemoteCall.encodeResult(objects.readPiece(message.id(), message.offset(), message.length())));
            }
        } catch (IOException e) {
            reply.send(RemoteCall.encodeFailure(IllegalArgumentException.class.getName(), "malformed object message: " + e, ""));
        } catch (RuntimeException e) {
            reply.send(RemoteCall.encodeFailure(e));
        }
    }

    private void onLendMessage(long session, byte[] payload, AuthServer.Reply reply) {
        LendMessages.Message message;
        try {
            message = LendMessages.decode(payload);
        } catch (IOException e) {
            reply.send(RemoteCall.encodeFailure(IllegalArgumentException.class.getName(), "malformed lend message: " + e, ""));
            return;
        }
        switch (message.kind()) {
            case LendMessages.DEPOSIT -> lends.deposit(session, message, reply); // answered when its last borrower lets go
            case LendMessages.READ -> lends.read(message.id(), message.text(), reply);
            case LendMessages.PROBE -> lends.probe(message.id(), message.text(), session, reply);
            default -> {
                if (message.kind() == LendMessages.READY) {
                    lends.ready(message);
                } else if (message.kind() == LendMessages.BORROW) {
                    lends.borrow(message.id());
                } else {
                    lends.unborrow(message.id(), session);
                }
                reply.send(RemoteCall.encodeResult(Boolean.TRUE));
            }
        }
    }

    /**
     * The head declared this node dead while it lived (it was cut off) and it is joining again: what
     * it held for others is stale — their owners have failed it over or made it again elsewhere — so
     * it lets go of its kept results, lent objects and bundles, ends the actors it hosted, and takes a new id:
     * it joins as a new node, the old one staying dead.
     */
    void fenced() {
        objects.releaseAll();
        owned.fenced();
        lends.dropOwn(); // lent under the old id, which its borrowers now hold dead
        runtime.bundles().releaseAll(); // the head places them again elsewhere
        runtime.takeNewId();
    }

    /**
     * A session ended: what it lent through this node, the results kept for it, the generators it
     * read and the actors it asked for go.
     */
    void sessionEnded(long session) {
        lends.sessionEnded(session); // what a driver lent through this node goes with it
        calls.sessionEnded(session); // the generators it read stop
        owned.sessionEnded(session);
    }

    void close() {
        timer.shutdownNow();
        groups.close();
    }

    /** This node as placement sees it: read from the runtime, not through its status text (placement runs per task). */
    NodeInfo self() {
        return new NodeInfo(runtime.nodeId(), address, PID, head, true, totals, runtime.availableResources());
    }

    private static final long PID = ProcessHandle.current().pid();

    /** This node's status, with the results it keeps for owners elsewhere. */
    NodeStatus selfStatus() {
        NodeStatus status = NodeDaemon.status(runtime, address, head);
        status.fields().put("store.kept", Integer.toString(objects.heldCount()));
        status.fields().put("store.lent", Integer.toString(lends.count()));
        status.fields().put(OBJECT_MANAGER_FIELD, objectManager.address());
        status.fields().put("wire.errors", Long.toString(WireErrors.count()));
        return status;
    }

    /** This node's status, then every other node this node knows of. */
    private byte[] clusterStatus() {
        NodeStatus self = selfStatus();
        if (tables != null) {
            return tables.clusterStatus(self);
        }
        List<NodeStatus> statuses = new ArrayList<>();
        statuses.add(self);
        for (NodeStatus other : view.statuses()) {
            if (!other.get("id").equals(self.get("id"))) {
                statuses.add(other);
            }
        }
        return NodeStatus.encodeAll(statuses);
    }
}
