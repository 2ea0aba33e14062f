package io.mobula.cluster.objects;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.mobula.cluster.objects.PullProtocol.Request;
import io.mobula.store.ObjectId;
import io.mobula.store.ObjectStore;
import io.mobula.store.ObjectView;
import io.mobula.transport.AuthServer;

/**
 * Decides what a node's server does with each SEND: serve it now, redirect it to nodes known to
 * hold the object, or hold the answer back until one of those becomes possible.
 * <pre>
 *   SEND(id) ─► not here ──────────────────────────────► MISSING
 *            ─► a send slot free ──────────────────────► ACCEPTED, and the send starts
 *            ─► holders of id known ───────────────────► REDIRECT(holders)
 *            ─► else: waits (answer held back) ─┬─ a send ends: the first waiter ► ACCEPTED,
 *                                               │  the others, if holders are known ► REDIRECT
 *                                               └─ maxWaitNs ─────────────────────► BUSY (asks again)
 * </pre>
 * Holding the answer back, rather than answering BUSY and letting pullers poll, leaves the node's
 * threads idle while it sends (polling kept every wire thread of a 2-core machine awake, and a
 * broadcast's first transfer took ten times as long), and it sends waiting pullers on the moment
 * the first copy is confirmed: one serves the freed slot, the rest go to the new holder.
 * <p>
 * Thread safe: SENDs and confirmations come from the wire's agent, freed slots from sender threads,
 * expiry from a timer; all under this object's lock, which guards only in-memory decisions (a
 * lookup, a pin, queueing an answer).
 */
final class SendAdmission {
    /** Pullers waiting at once; beyond this a SEND is answered BUSY at once. */
    private static final int MAX_WAITERS = 1024;

    /** Starts a send that was admitted, the object pinned for it; false if it cannot (its transfer id is in use). */
    @FunctionalInterface
    interface Starter {
        boolean start(Request request, ObjectView view);
    }

    private record Waiter(Request request, AuthServer.Reply reply, long sinceNs) {
    }

    private final ObjectStore store;
    private final int maxConcurrentSends;
    private final long maxWaitNs;
    private final Starter starter;
    private final Holders holders = new Holders();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private int activeSends;
    private final AtomicLong redirects = new AtomicLong();
    private final AtomicLong busyAnswers = new AtomicLong();
    private final AtomicLong missingAnswers = new AtomicLong();

    SendAdmission(ObjectStore store, int maxConcurrentSends, long maxWaitNs, Starter starter) {
        this.store = store;
        this.maxConcurrentSends = maxConcurrentSends;
        this.maxWaitNs = maxWaitNs;
        this.starter = starter;
    }

    synchronized void onSend(Request request, AuthServer.Reply reply) {
        if (!store.contains(request.id())) {
            missing(reply);
        } else if (activeSends < maxConcurrentSends) {
            serve(request, reply);
        } else if (!redirect(request, reply)) {
            if (waiters.size() < MAX_WAITERS) {
                waiters.addLast(new Waiter(request, reply, System.nanoTime()));
            } else {
                busy(reply);
            }
        }
    }

    /** A send ended (confirmed, failed or timed out): its slot goes to the first waiter. */
    synchronized void onSendEnded() {
        activeSends--;
        drain();
    }

    /**
     * {@code address} confirmed a complete copy of {@code id}. Waiters are not sent there yet: the
     * send that made the copy ends next, and its slot goes to the first waiter before the others
     * are redirected, so the source keeps sending while the tree grows.
     */
    synchronized void onHolder(ObjectId id, String address) {
        holders.add(id, address);
    }

    /** Answers BUSY to waiters past {@code maxWaitNs}, before their requests time out at the puller. */
    synchronized void expireWaiters() {
        long now = System.nanoTime();
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter waiter = it.next();
            if (now - waiter.sinceNs() > maxWaitNs) {
                it.remove();
                busy(waiter.reply());
            }
        }
    }

    synchronized void forgetHolder(String address) {
        holders.forgetHolder(address);
    }

    synchronized void forget(ObjectId id) {
        holders.forget(id);
    }

    private void drain() {
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter waiter = it.next();
            if (activeSends < maxConcurrentSends) {
                it.remove();
                serve(waiter.request(), waiter.reply());
            } else if (redirect(waiter.request(), waiter.reply())) {
                it.remove();
            }
        }
    }

    private void serve(Request request, AuthServer.Reply reply) {
        ObjectView view = store.get(request.id(), 0);
        if (view == null) { // deleted since it was asked for
            missing(reply);
            return;
        }
        if (!starter.start(request, view)) {
            view.close();
            busy(reply);
            return;
        }
        activeSends++; // under the lock, so the send's own onSendEnded cannot come first
        reply.send(PullProtocol.answer(PullProtocol.ACCEPTED));
    }

    private boolean redirect(Request request, AuthServer.Reply reply) {
        List<String> others = holders.others(request.id(), request.address(), PullProtocol.MAX_REDIRECT_HOLDERS);
        if (others.isEmpty()) {
            return false;
        }
        redirects.incrementAndGet();
        reply.send(PullProtocol.redirect(others));
        return true;
    }

    private void missing(AuthServer.Reply reply) {
        missingAnswers.incrementAndGet();
        reply.send(PullProtocol.answer(PullProtocol.MISSING));
    }

    private void busy(AuthServer.Reply reply) {
        busyAnswers.incrementAndGet();
        reply.send(PullProtocol.answer(PullProtocol.BUSY));
    }

    long redirects() {
        return redirects.get();
    }

    long busyAnswers() {
        return busyAnswers.get();
    }

    long missingAnswers() {
        return missingAnswers.get();
    }
}
