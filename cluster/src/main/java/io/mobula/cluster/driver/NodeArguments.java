package io.mobula.cluster.driver;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

import io.mobula.TaskException;
import io.mobula.cluster.objects.ArgumentUnavailableException;
import io.mobula.cluster.ownership.NodeObject;
import io.mobula.cluster.ownership.ObjectOnNode;
import io.mobula.cluster.wire.RemoteCall;

/**
 * What a connected driver asks of a call's arguments that live on nodes ({@link ObjectOnNode}s)
 * when the call failed: were any lost, or moved, and did a node fail to fetch one.
 */
final class NodeArguments {
    private NodeArguments() {
    }

    static boolean any(Object[] args) {
        for (Object arg : args) {
            if (arg instanceof ObjectOnNode) {
                return true;
            }
        }
        return false;
    }

    /** Makes again each argument whose holder is known dead (its lineage allowing), before the call goes. */
    static void rebuildLost(Object[] args) {
        for (Object arg : args) {
            if (arg instanceof ObjectOnNode remote) {
                remote.ensureAlive();
            }
        }
    }

    /**
     * Whether an argument was made again elsewhere since {@code call} was encoded (another call
     * found it lost first): the call then went with a stale place and is sent again as it is now.
     */
    static boolean movedSince(RemoteCall.Call call, Object[] args) {
        Set<NodeObject> sent;
        try {
            sent = new HashSet<>(call.nodeObjects());
        } catch (IOException e) {
            return false;
        }
        for (Object arg : args) {
            if (arg instanceof ObjectOnNode remote && (remote.isInline() || !sent.contains(remote.object()))) {
                return true;
            }
        }
        return false;
    }

    /** Whether a node said it could not fetch an argument of the call. */
    static boolean unavailable(Throwable failure) {
        return TaskException.raised(failure, ArgumentUnavailableException.class);
    }
}
