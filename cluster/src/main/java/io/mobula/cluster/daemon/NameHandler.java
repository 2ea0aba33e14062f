package io.mobula.cluster.daemon;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.mobula.MobulaException;
import io.mobula.cluster.control.ControlService;
import io.mobula.cluster.control.HeadTables;
import io.mobula.cluster.wire.NameMessages;
import io.mobula.cluster.wire.PeerSessions;
import io.mobula.cluster.wire.RemoteCall;
import io.mobula.transport.AuthServer;

/**
 * The cluster's directory of actor names ({@link NameMessages}), which the head keeps in its tables:
 * answered here at the head, passed on to it elsewhere; and the changes a node must tell it (a named
 * actor placed here, or dead), sent until it takes them.
 */
final class NameHandler {
    /** Sends again what the head must record, every second, for this many tries (a head restart takes seconds). */
    static final int HEAD_RETRIES = 60;
    private final PeerSessions peers;
    /** The head's tables; null on other nodes. */
    private final HeadTables tables;
    /** Where the head listens, for a node that joined one; null at the head. */
    private final String headAddress;
    /** Runs the records sent to the head again. */
    private final ScheduledExecutorService timer;

    NameHandler(PeerSessions peers, HeadTables tables, String headAddress, ScheduledExecutorService timer) {
        this.peers = peers;
        this.tables = tables;
        this.headAddress = headAddress;
        this.timer = timer;
    }

    /** A name request: answered by the head, here or where it listens. */
    void onNameMessage(byte[] payload, AuthServer.Reply reply) {
        toHead(payload).whenComplete((answer, error) -> reply.send(error == null ? answer
            : RemoteCall.encodeFailure(new MobulaException("the head at " + headAddress + " could not be reached: "
                + error.getMessage(), error))));
    }

    /** A request the head answers: answered here at the head, else sent to it. */
    private CompletableFuture<byte[]> toHead(byte[] request) {
        if (tables == null) {
            return headAddress == null
                ? CompletableFuture.failedFuture(new IllegalStateException("this node neither is a head nor joined one"))
                : peers.send(headAddress, request);
        }
        try {
            NameMessages.Message message = NameMessages.decode(request);
            if (message.kind() == NameMessages.LOOKUP) {
                ControlService.NamedActor named = tables.namedActor(message.namespace(), message.name());
                return CompletableFuture.completedFuture(NameMessages.found(message.name(), message.namespace(), named != null,
                    named == null ? "" : named.place(), named == null ? "" : named.className()));
            }
            return CompletableFuture.completedFuture(RemoteCall.encodeResult(directory(message)));
        } catch (IOException e) {
            return CompletableFuture.completedFuture(RemoteCall.encodeFailure(IllegalArgumentException.class.getName(),
                "malformed name message: " + e, ""));
        }
    }

    /** The head's actor directory: claims, places and frees of actor names, each within its namespace. */
    private Object directory(NameMessages.Message message) {
        return switch (message.kind()) {
            case NameMessages.CLAIM -> tables.record(ControlService.Command.ACTOR_CLAIM, Map.of("name", message.name(),
                "namespace", message.namespace()));
            case NameMessages.PLACED -> tables.record(ControlService.Command.ACTOR_PLACED, Map.of("name", message.name(),
                "namespace", message.namespace(), "place", message.place(), "class", message.className()));
            case NameMessages.UNNAME -> tables.record(ControlService.Command.ACTOR_UNNAME, Map.of("name", message.name(),
                "namespace", message.namespace(), "place", message.place()));
            default -> throw new IllegalArgumentException("not a name message the directory records: " + message.kind());
        };
    }

    /**
     * A change of the cluster's directory (an actor's name placed, or freed at its death) that the
     * head must record: sent until the head takes it, so that a head that was away or restarting
     * does not keep a dead actor's name.
     */
    void tellHead(byte[] request, int triesLeft) {
        toHead(request).whenComplete((answer, error) -> {
            if ((error != null || RemoteCall.isFailure(answer)) && triesLeft > 1 && !timer.isShutdown()) {
                timer.schedule(() -> tellHead(request, triesLeft - 1), 1, TimeUnit.SECONDS);
            }
        });
    }
}
