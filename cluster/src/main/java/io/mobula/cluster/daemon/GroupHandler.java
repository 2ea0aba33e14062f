package io.mobula.cluster.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.mobula.MobulaException;
import io.mobula.NodeInfo;
import io.mobula.cluster.control.HeadTables;
import io.mobula.cluster.membership.ClusterView;
import io.mobula.cluster.placement.GroupScheduler;
import io.mobula.cluster.wire.GroupMessages;
import io.mobula.cluster.wire.PeerSessions;
import io.mobula.cluster.wire.RemoteCall;
import io.mobula.runtime.NodeRuntime;
import io.mobula.transport.AuthServer;

/**
 * A node's side of placement groups ({@link GroupMessages}): the head keeps the groups (its {@link
 * GroupScheduler}) and answers for them; another node passes those requests on to the head. Every
 * node reserves and releases the bundles the head places on it, and finds where a group's bundles are.
 */
final class GroupHandler {
    private final NodeRuntime runtime;
    private final PeerSessions peers;
    /** The head's placement groups; null on other nodes, which pass group requests to the head. */
    private final GroupScheduler groups;
    private final String headAddress;

    /**
     * @param tables the head's tables; null on other nodes.
     * @param headAddress where the head listens, for a node that joined one; null at the head.
     */
    GroupHandler(NodeRuntime runtime, HeadTables tables, String headAddress, Supplier<NodeInfo> self, ClusterView view,
                 PeerSessions peers) {
        this.runtime = runtime;
        this.peers = peers;
        this.headAddress = headAddress;
        this.groups = tables == null ? null : new GroupScheduler(tables, runtime, self, view, peers);
    }

    /** Each bundle's place ({@code id@address}) once the group is placed: the head knows; other nodes ask it. */
    CompletableFuture<List<String>> groupPlaces(String group) {
        if (groups != null) {
            return groups.whenPlaced(group);
        }
        return peers.send(headAddress, GroupMessages.nodes(group, TimeUnit.MINUTES.toMillis(10)))
            .thenApply(answer -> {
                try {
                    String places = (String) RemoteCall.decodeAnswer(answer, "placement group " + group);
                    if (places.isEmpty()) {
                        throw new MobulaException("placement group " + group + " was not placed within 10 minutes");
                    }
                    return List.of(places.split("\\|"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
    }

    void onGroupMessage(byte[] payload, AuthServer.Reply reply) throws IOException {
        GroupMessages.Message message = GroupMessages.decode(payload);
        switch (message.kind()) {
            case GroupMessages.RESERVE -> GroupScheduler.reserveHere(runtime, message.group(), message.bundle(),
                message.bundles().get(0), message.waitMs()).thenAccept(held -> reply.send(RemoteCall.encodeResult(held)));
            case GroupMessages.RELEASE -> {
                runtime.bundles().release(message.group(), message.bundle());
                reply.send(RemoteCall.encodeResult(Boolean.TRUE));
            }
            default -> {
                if (groups == null && headAddress == null) {
                    throw new IllegalStateException("this node neither is a head nor joined one, so it keeps no placement "
                        + "groups; start it with --head, or join a head");
                }
                if (groups == null) { // the head keeps the groups: pass it on, answer with its answer
                    peers.send(headAddress, payload).whenComplete((answer, error) -> reply.send(error == null ? answer
                        : RemoteCall.encodeFailure(new MobulaException("the head at " + headAddress + " could not be reached: "
                            + error.getMessage(), error))));
                    return;
                }
                switch (message.kind()) {
                    case GroupMessages.CREATE -> {
                        groups.create(message.group(), message.strategy(), message.bundles());
                        reply.send(RemoteCall.encodeResult(Boolean.TRUE));
                    }
                    case GroupMessages.NODES -> groups.whenPlaced(message.group()).copy()
                        .completeOnTimeout(List.of(), message.waitMs(), TimeUnit.MILLISECONDS)
                        .whenComplete((places, error) -> reply.send(error == null
                            ? RemoteCall.encodeResult(String.join("|", places))
                            : RemoteCall.encodeFailure(error instanceof CompletionException c ? c.getCause() : error)));
                    case GroupMessages.REMOVE -> {
                        groups.remove(message.group());
                        reply.send(RemoteCall.encodeResult(Boolean.TRUE));
                    }
                    default -> throw new IOException("not a placement group request");
                }
            }
        }
    }

    void close() {
        if (groups != null) {
            groups.close();
        }
    }
}
