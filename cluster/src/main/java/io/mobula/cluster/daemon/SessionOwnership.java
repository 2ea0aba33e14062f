package io.mobula.cluster.daemon;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.mobula.ActorDiedException;
import io.mobula.MobulaException;
import io.mobula.NodeDiedException;
import io.mobula.cluster.objects.NodeObjects;
import io.mobula.cluster.ownership.NodeObject;
import io.mobula.cluster.wire.ObjectMessages;
import io.mobula.cluster.wire.PeerSessions;
import io.mobula.cluster.wire.RemoteActor;
import io.mobula.cluster.wire.RemoteCall;
import io.mobula.runtime.ActorRecord;
import io.mobula.runtime.NodeRuntime;
import io.mobula.store.ObjectId;
import io.mobula.transport.AuthServer;

/**
 * What each session (a driver, another node) owns through this node: the results kept in stores
 * for it and the actors it asked for, wherever they were placed, and the actors this node hosts.
 * When a session ends they go with it, as a Ray driver's do (distributed reference counting: the
 * owner's refs go with the owner). Safe from any thread: the server's, and the answers' on their way back.
 */
final class SessionOwnership {
    private final NodeRuntime runtime;
    private final String address;
    private final PeerSessions peers;
    private final NodeObjects objects;
    /** Actors created here for drivers and other nodes, by their id on this node. */
    private final Map<Long, ActorRecord> actors = new ConcurrentHashMap<>();
    /**
     * The actors each session asked this node for, wherever they were placed: when the session ends
     * (its driver closed or died), they end too, as a Ray driver's actors do.
     */
    private final Map<Long, List<RemoteActor>> actorsBySession = new ConcurrentHashMap<>();
    /** The results kept in stores for each session's owner, wherever they were made: let go when it ends. */
    private final Map<Long, Set<NodeObject>> objectsBySession = new ConcurrentHashMap<>();
    /**
     * The ids of the actors this node ended because it was fenced, and the node id they died with: a
     * call that reaches one (its driver had not heard of the death yet) is answered as the node's death.
     */
    private final Map<Long, String> endedByFence = new ConcurrentHashMap<>();

    SessionOwnership(NodeRuntime runtime, String address, PeerSessions peers, NodeObjects objects) {
        this.runtime = runtime;
        this.address = address;
        this.peers = peers;
        this.objects = objects;
    }

    /** An actor created here; until it is killed, here or with the session that asked for it. */
    void hosted(ActorRecord actor) {
        actors.put(actor.id(), actor);
    }

    /** The actor {@code id} hosted here, or null. */
    ActorRecord actor(long id) {
        return actors.get(id);
    }

    /** The actor {@code id} hosted here, no longer hosted; null if there was none. */
    ActorRecord removeActor(long id) {
        return actors.remove(id);
    }

    /**
     * A reply that, on the way back, notes a result kept in a store (here or on the node the work
     * went to) as {@code session}'s: when the session ends, it is let go (distributed reference
     * counting: the owner's refs go with the owner).
     */
    AuthServer.Reply objectsOwnedBy(long session, AuthServer.Reply reply) {
        return answer -> {
            if (RemoteCall.isStayed(answer)) {
                try {
                    if (RemoteCall.decodeAnswer(answer, "result") instanceof NodeObject object) {
                        objectsBySession.computeIfAbsent(session, s -> ConcurrentHashMap.newKeySet()).add(object);
                    }
                } catch (IOException | RuntimeException e) {
                    // not an object after all: nothing to own
                }
            }
            reply.send(answer);
        };
    }

    /** A reply that, on the way back, notes the actor a creation made as {@code session}'s. */
    AuthServer.Reply actorOwnedBy(long session, AuthServer.Reply reply) {
        return answer -> {
            try {
                if (RemoteCall.decodeAnswer(answer, "creation") instanceof String place) {
                    actorsBySession.computeIfAbsent(session, s -> new CopyOnWriteArrayList<>())
                        .add(RemoteActor.parse(place));
                }
            } catch (IOException | RuntimeException e) {
                // a failed creation: no actor to own
            }
            reply.send(answer);
        };
    }

    /** The object {@code id} was released here by its owner: no session owns it now. */
    void released(ObjectId id) {
        objectsBySession.values().forEach(owned -> owned.removeIf(o -> o.id().equals(id)));
    }

    /** A session ended: the results kept for it and the actors it asked for go, here and on the nodes they were placed on. */
    void sessionEnded(long session) {
        Set<NodeObject> kept = objectsBySession.remove(session);
        if (kept != null) {
            for (NodeObject object : kept) {
                if (object.address().equals(address)) {
                    objects.release(object.id());
                } else {
                    peers.send(object.address(), ObjectMessages.release(object.id()));
                }
            }
        }
        List<RemoteActor> owned = actorsBySession.remove(session);
        if (owned == null) {
            return;
        }
        for (RemoteActor actor : owned) {
            if (actor.address().equals(address)) {
                ActorRecord record = actors.remove(actor.id());
                if (record != null && !runtime.isClosed()) {
                    runtime.kill(record);
                }
            } else {
                peers.send(actor.address(), RemoteCall.actorKill(actor.id()));
            }
        }
    }

    /**
     * This node was fenced: what sessions owned here is stale, and the actors it hosted end. Called
     * before the node takes its new id. To their owners this is the node's death, not a kill: their
     * calls fail with {@link NodeDiedException}, a system failure, so a driver builds the actor again
     * while its maxRestarts allows and runs the calls again that allow it, as for a node that died.
     */
    void fenced() {
        objectsBySession.clear();
        String oldId = runtime.nodeId();
        for (ActorRecord actor : actors.values()) {
            endedByFence.put(actor.id(), oldId);
            runtime.end(actor, declaredDead(oldId, actor.displayName()));
        }
        actors.clear();
    }

    /**
     * Why a call to the actor {@code id} finds none here: {@link NodeDiedException} if it ended when
     * this node was fenced, else {@link ActorDiedException} (it was killed, or never lived here).
     */
    MobulaException noActor(long id) {
        String fencedId = endedByFence.get(id);
        if (fencedId != null) {
            return declaredDead(fencedId, "actor " + id);
        }
        return new ActorDiedException("no actor " + id + " lives on node " + runtime.nodeId() + " at " + address
            + " (it was killed, or the node restarted)");
    }

    private NodeDiedException declaredDead(String nodeId, String what) {
        return new NodeDiedException("node " + nodeId + " at " + address + ", which hosted " + what + ", was declared dead "
            + "while it lived (fenced: its heartbeats did not reach the head in time); what it hosted ended with it");
    }
}
