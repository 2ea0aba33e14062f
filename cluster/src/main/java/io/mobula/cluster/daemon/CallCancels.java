package io.mobula.cluster.daemon;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.mobula.cluster.wire.PeerSessions;
import io.mobula.cluster.wire.RemoteCall;
import io.mobula.runtime.NodeRuntime;
import io.mobula.runtime.ObjectEntry;
import io.mobula.store.ObjectId;

/**
 * The tasks and actor calls this node took and has not answered yet, by the task id their owner
 * gave them, so that a cancel ({@link RemoteCall.Cancel}) finds them: one that runs here is
 * cancelled in this node's runtime (queued: it never runs; running: interrupted, or its worker
 * process killed), one this node passed on to another node is cancelled there in turn, and one not
 * started yet (waiting for its job's classes or its arguments) is answered cancelled instead of run.
 * <p>
 * A cancel can overtake its call (the owner sends the cancel as the call leaves; a node passes the
 * call on only once the peer knows its job), so a cancel for a call not seen yet is kept for
 * {@link #EARLY_CANCEL_KEEP_NS} and applied when the call arrives. Thread safe.
 */
final class CallCancels {
    /** How long a cancel that came before its call waits for it. */
    static final long EARLY_CANCEL_KEEP_NS = TimeUnit.MINUTES.toNanos(1);
    /** At most this many such cancels are kept (the oldest go first): they come only from cluster members. */
    private static final int MAX_EARLY_CANCELS = 100_000;

    private final NodeRuntime runtime;
    private final PeerSessions peers;
    /** Guarded by this. */
    private final Map<ObjectId, InFlight> calls = new HashMap<>();
    /** Cancels whose call has not arrived, oldest first; guarded by this. */
    private final LinkedHashMap<ObjectId, Early> early = new LinkedHashMap<>();

    /** One call taken: where it runs now (here, passed on, or not yet either) and the cancel that reached it. */
    private static final class InFlight {
        ObjectEntry entry;
        String passedTo;
        RemoteCall.Cancel cancel;
    }

    private record Early(RemoteCall.Cancel cancel, long atNs) {
    }

    CallCancels(NodeRuntime runtime, PeerSessions peers) {
        this.runtime = runtime;
        this.peers = peers;
    }

    /**
     * A call with this id arrived; it is tracked until {@link #answered}.
     *
     * @return false if it was cancelled already (its cancel came first): answer it cancelled, do not run it.
     */
    synchronized boolean arrived(ObjectId id) {
        InFlight call = new InFlight();
        Early before = early.remove(id);
        if (before != null) {
            call.cancel = before.cancel();
        }
        calls.put(id, call);
        return before == null;
    }

    /** Whether the call was cancelled before it started here (answer it cancelled instead of running it). */
    synchronized boolean cancelled(ObjectId id) {
        InFlight call = calls.get(id);
        return call != null && call.cancel != null;
    }

    /** The call runs here as the work that makes {@code entry}; a cancel that came meanwhile is applied now. */
    void runsHere(ObjectId id, ObjectEntry entry) {
        RemoteCall.Cancel cancel;
        synchronized (this) {
            InFlight call = calls.get(id);
            if (call == null) {
                return; // answered already
            }
            call.entry = entry;
            cancel = call.cancel;
        }
        if (cancel != null) {
            cancelHere(entry, cancel);
        }
    }

    /** The call was passed on to the node at {@code peer}; a cancel that came meanwhile follows it now. */
    void passedOn(ObjectId id, String peer) {
        RemoteCall.Cancel cancel;
        synchronized (this) {
            InFlight call = calls.get(id);
            if (call == null) {
                return;
            }
            call.passedTo = peer;
            cancel = call.cancel;
        }
        if (cancel != null) {
            peers.send(peer, RemoteCall.encodeCancel(cancel)); // that node keeps it if it comes before the call
        }
    }

    /** The call was answered: nothing to cancel any more. */
    synchronized void answered(ObjectId id) {
        calls.remove(id);
    }

    /**
     * Cancels the call named: here, or where it was passed on; kept a while if it has not arrived.
     *
     * @return true if the call was in flight here and this cancel did something (the first, or a
     *         forced one after a plain one: what still runs is killed).
     */
    boolean cancel(RemoteCall.Cancel cancel) {
        ObjectEntry entry;
        String peer;
        synchronized (this) {
            InFlight call = calls.get(cancel.taskId());
            if (call == null) {
                keepEarly(cancel);
                return false;
            }
            if (call.cancel != null && (!cancel.force() || call.cancel.force())) {
                return false; // cancelled already; only a forced cancel after a plain one does more
            }
            call.cancel = cancel;
            entry = call.entry;
            peer = call.passedTo;
        }
        if (entry != null) {
            cancelHere(entry, cancel);
        }
        if (peer != null) {
            peers.send(peer, RemoteCall.encodeCancel(cancel));
        }
        return true;
    }

    private void cancelHere(ObjectEntry entry, RemoteCall.Cancel cancel) {
        try {
            runtime.cancel(entry, cancel.force(), cancel.recursive());
        } catch (IllegalArgumentException forcedActorCall) { // its owner refuses this before sending: cancel it plainly
            runtime.cancel(entry, false, cancel.recursive());
        } catch (io.mobula.RuntimeClosedException closing) {
            // the node is closing: its work fails anyway
        }
    }

    private void keepEarly(RemoteCall.Cancel cancel) {
        long now = System.nanoTime();
        Iterator<Early> oldest = early.values().iterator();
        while (oldest.hasNext()) {
            Early next = oldest.next();
            if (now - next.atNs() < EARLY_CANCEL_KEEP_NS && early.size() < MAX_EARLY_CANCELS) {
                break;
            }
            oldest.remove();
        }
        early.put(cancel.taskId(), new Early(cancel, now));
    }
}
