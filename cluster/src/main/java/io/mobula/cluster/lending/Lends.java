package io.mobula.cluster.lending;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mobula.runtime.RuntimeAccess;
import io.mobula.ObjectLostException;
import io.mobula.ObjectRef;
import io.mobula.OwnerDiedException;
import io.mobula.store.ObjectId;
import io.mobula.store.codec.ValueCodec;
import io.mobula.transport.AuthServer;
import io.mobula.cluster.wire.LendMessages;
import io.mobula.cluster.wire.RemoteCall;

/**
 * The objects a node has lent out, by id, each kept until its last borrower lets go (distributed
 * reference counting, as Ray's borrowers): the node's own objects (refs its work nested in results
 * it sent out) and those its connected drivers lend through it (a driver serves no one, so this
 * node answers for it). A borrower reads the value here; when a driver's session ends, what it lent
 * is gone and readers are told its owner died.
 * <p>
 * Counts: each ref written out counts one, unclaimed, until a borrower that read it back asks
 * whether it is ready — then it counts for that borrower's session, which lets it go later. When a
 * borrower's session ends (its process died), its counts go with it; a count never claimed (a
 * message never read) lapses after {@link #UNCLAIMED_MS} with no claim on the object.
 */
public final class Lends {
    /** How the answer for a read of one of this node's own objects is made once it is ready. */
    public interface Answers {
        byte[] answer(ObjectRef<?> ref, ValueCodec codec);
    }

    /** The session of a lend a reader asked for before the driver's deposit arrived (it was sent first, on another path). */
    private static final long AWAITED = -2;
    /** Counts not claimed by any borrower lapse after this long without a new lend or claim of the object. */
    static final long UNCLAIMED_MS = java.util.concurrent.TimeUnit.MINUTES.toMillis(10);
    /** A let-go from this node itself (a borrowed ref coming home, or one lent through it): no session. */
    public static final long HERE = -1;
    /** How long a read waits for a deposit it came before. */
    private static final long DEPOSIT_WAIT_MS = 10_000;

    /** Owners whose objects' ids are remembered after the owner's session ended, at most. */
    private static final int REMEMBERED_DEAD = 65_536;

    /** This node's id now (a new one after it was fenced: what was lent under the old one is gone). */
    private final java.util.function.Supplier<String> nodeId;
    private final String address;
    private final Answers answers;
    private final Map<ObjectId, Lend> lent = new HashMap<>();
    /** Objects whose owner's session ended, with the owner: a late reader learns why. Guarded by this. */
    private final Map<ObjectId, String> ownerGone = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ObjectId, String> eldest) {
            return size() > REMEMBERED_DEAD;
        }
    };

    private final java.util.concurrent.ScheduledExecutorService timer;

    public Lends(java.util.function.Supplier<String> nodeId, String address, Answers answers,
          java.util.concurrent.ScheduledExecutorService timer) {
        this.nodeId = nodeId;
        this.address = address;
        this.answers = answers;
        this.timer = timer;
        timer.scheduleWithFixedDelay(this::lapseUnclaimed, 1, 1, java.util.concurrent.TimeUnit.MINUTES);
    }

    /** One lent object. Guarded by the table. */
    private static final class Lend {
        String owner;
        /** The session of the driver that lent it; -1 for this node's own; {@link #AWAITED} while a reader waits for it. */
        long session;
        /** This node's own object (held alive here), with the codec (its job's classes) that writes it; else null. */
        final ObjectRef<?> ref;
        final ValueCodec codec;
        /** A driver's object: the answer a read gets; null until it is ready. */
        byte[] answer;
        /**
         * Refs written out that no borrower has claimed yet (in flight, or never read). Below zero
         * while a claim came before the count it claims (a borrow told on another session): a
         * passer's own claim stays until its let-go, which its borrow precedes on its session.
         */
        int unclaimed;
        /** Claimed counts by the borrower's session ({@link #HERE}: this node's own). */
        final Map<Long, Integer> claims = new HashMap<>();
        /** When it was last lent or claimed (for lapsing unclaimed counts). */
        long lastTouchedMs = System.currentTimeMillis();
        final List<AuthServer.Reply> readers = new ArrayList<>();
        /** The driver's deposits, answered when the last borrower lets go. */
        final List<AuthServer.Reply> untilFree = new ArrayList<>();

        Lend(String owner, long session, ObjectRef<?> ref, ValueCodec codec) {
            this.owner = owner;
            this.session = session;
            this.ref = ref;
            this.codec = codec;
        }

        int borrowers() {
            int claimed = 0;
            for (int n : claims.values()) {
                claimed += n;
            }
            return unclaimed + claimed;
        }

        void lentOnce() {
            unclaimed++;
            lastTouchedMs = System.currentTimeMillis();
        }
    }

    /** This node's own object goes out nested in a value: kept for one more borrower. */
    public void lendOwn(ObjectRef<?> ref, ValueCodec codec, String owner) {
        ObjectId id = RuntimeAccess.entryOf(ref).id();
        List<AuthServer.Reply> early;
        Lend own;
        synchronized (this) {
            Lend lend = lent.get(id);
            if (lend != null && lend.session != AWAITED) {
                lend.lentOnce();
                return;
            }
            own = new Lend(owner, -1, ref, codec); // (a read that came first for it waits in a placeholder)
            if (lend != null) {
                own.claims.putAll(lend.claims);
            }
            own.lentOnce();
            lent.put(id, own);
            early = lend == null ? List.of() : takeReaders(lend);
        }
        for (AuthServer.Reply reader : early) {
            RuntimeAccess.whenReady(ref, () -> reader.send(answers.answer(ref, codec)));
        }
    }

    /** A lent object of this node's own by id (a ref coming home), or null. */
    public synchronized ObjectRef<?> own(ObjectId id) {
        Lend lend = lent.get(id);
        return lend == null ? null : lend.ref;
    }

    /** A driver lends an object through this node; {@code answer} is null while it is not ready. */
    public void deposit(long session, LendMessages.Message message, AuthServer.Reply untilFree) {
        List<AuthServer.Reply> readers;
        synchronized (this) {
            Lend lend = lent.computeIfAbsent(message.id(), k -> new Lend(message.text(), session, null, null));
            if (lend.session == AWAITED) {
                lend.session = session;
                lend.owner = message.text();
            }
            lend.lentOnce();
            lend.untilFree.add(untilFree);
            if (message.answer() == null || lend.answer != null) {
                return;
            }
            lend.answer = message.answer();
            readers = takeReaders(lend);
        }
        readers.forEach(reader -> reader.send(message.answer()));
    }

    /** A deposited object that was not ready is: its readers are answered. */
    public void ready(LendMessages.Message message) {
        List<AuthServer.Reply> readers;
        synchronized (this) {
            Lend lend = lent.get(message.id());
            if (lend == null || lend.answer != null) {
                return;
            }
            lend.answer = message.answer();
            readers = takeReaders(lend);
        }
        readers.forEach(reader -> reader.send(message.answer()));
    }

    private static List<AuthServer.Reply> takeReaders(Lend lend) {
        List<AuthServer.Reply> readers = List.copyOf(lend.readers);
        lend.readers.clear();
        return readers;
    }

    /** A read came for an object no one lent here, and no deposit followed. */
    private void giveUpWaiting(ObjectId id) {
        Lend lend;
        synchronized (this) {
            lend = lent.get(id);
            if (lend == null || lend.session != AWAITED) {
                return;
            }
            lent.remove(id);
        }
        byte[] failure = RemoteCall.encodeFailure(new ObjectLostException("object " + id + " is not lent by node " + nodeId.get()
            + " at " + address + ": every borrower had let go of it, or it was never lent here"));
        lend.readers.forEach(reader -> reader.send(failure));
    }

    /** A borrower passed the ref on: one more, not claimed yet. */
    public synchronized void borrow(ObjectId id) {
        Lend lend = lent.get(id);
        if (lend != null) {
            lend.lentOnce();
        }
    }

    /** A borrower in {@code session} read the ref back: one count is its own now. */
    private void claim(Lend lend, long session) {
        lend.claims.merge(session, 1, Integer::sum);
        lend.unclaimed--;
        lend.lastTouchedMs = System.currentTimeMillis();
    }

    /** A borrower in {@code session} let go: the object goes with the last. */
    public void unborrow(ObjectId id, long session) {
        Lend freed;
        synchronized (this) {
            Lend lend = lent.get(id);
            if (lend == null) {
                return;
            }
            Integer claimed = lend.claims.get(session);
            if (claimed != null) {
                if (claimed > 1) {
                    lend.claims.put(session, claimed - 1);
                } else {
                    lend.claims.remove(session);
                }
            } else {
                lend.unclaimed--; // let go without a claim: a ref that came home
            }
            freed = freeIfUnborrowed(id, lend);
        }
        answerOwner(freed);
    }

    /** Removes {@code lend} if no one borrows it (a placeholder stays until its deposit comes or its readers give up). */
    private Lend freeIfUnborrowed(ObjectId id, Lend lend) {
        if (lend.session == AWAITED || lend.borrowers() > 0) { // (a count told late may make it negative)
            return null;
        }
        lent.remove(id);
        return lend;
    }

    /** The driver whose deposit was freed may let go of its object too. */
    private static void answerOwner(Lend freed) {
        if (freed != null) {
            freed.untilFree.forEach(owner -> owner.send(RemoteCall.encodeResult(Boolean.TRUE)));
        }
    }

    /** Unclaimed counts of objects no one has claimed for {@link #UNCLAIMED_MS} lapse: messages never read. */
    private void lapseUnclaimed() {
        long now = System.currentTimeMillis();
        List<Lend> freed = new ArrayList<>();
        synchronized (this) {
            for (Map.Entry<ObjectId, Lend> e : List.copyOf(lent.entrySet())) {
                Lend lend = e.getValue();
                if (lend.claims.isEmpty() && lend.unclaimed > 0 && now - lend.lastTouchedMs >= UNCLAIMED_MS) {
                    lend.unclaimed = 0;
                    Lend gone = freeIfUnborrowed(e.getKey(), lend);
                    if (gone != null) {
                        freed.add(gone);
                    }
                }
            }
        }
        freed.forEach(Lends::answerOwner);
    }

    /**
     * A borrower asks whether a lent object is ready: answered true once it is, without its value
     * (a failed one is ready too), or with why it never will be.
     */
    public void probe(ObjectId id, String lenderNodeId, long session, AuthServer.Reply reply) {
        if (lenderNodeId.equals(nodeId.get())) {
            synchronized (this) {
                Lend lend = lent.get(id);
                if (lend != null) {
                    claim(lend, session); // it asks once, when it reads the ref back: the count is its own now
                }
            }
        }
        read(id, lenderNodeId, answer -> reply.send(RemoteCall.isFailure(answer) ? answer : READY), false);
    }

    private static final byte[] READY = RemoteCall.encodeResult(Boolean.TRUE);

    /** A borrower reads a lent object: answered once it is ready. */
    public void read(ObjectId id, String lenderNodeId, AuthServer.Reply reply) {
        read(id, lenderNodeId, reply, true);
    }

    private void read(ObjectId id, String lenderNodeId, AuthServer.Reply reply, boolean valueWanted) {
        String self = nodeId.get();
        if (!lenderNodeId.equals(self)) {
            reply.send(RemoteCall.encodeFailure(new OwnerDiedException("object " + id + " was lent by node " + lenderNodeId
                + " at " + address + ", which is gone: node " + self + " serves at its address now, without its objects")));
            return;
        }
        Lend lend;
        synchronized (this) {
            lend = lent.get(id);
            if (lend == null) {
                String owner = ownerGone.get(id);
                if (owner != null) {
                    reply.send(RemoteCall.encodeFailure(new OwnerDiedException("object " + id + " cannot be read: its owner, "
                        + owner + ", is gone, and with it what said where the object lives")));
                    return;
                }
                lend = new Lend("", AWAITED, null, null); // its deposit may be on its way still
                lent.put(id, lend);
                timer.schedule(() -> giveUpWaiting(id), DEPOSIT_WAIT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
            if (lend.ref == null && lend.answer == null) {
                lend.readers.add(reply);
                return;
            }
        }
        Lend found = lend;
        if (found.answer != null) {
            reply.send(found.answer);
        } else {
            RuntimeAccess.whenReady(found.ref, () -> reply.send(valueWanted ? answers.answer(found.ref, found.codec) : READY));
        }
    }

    /**
     * A session ended: what a driver lent through it goes, and its readers are told its owner died;
     * what a borrower there held is let go (its process is gone).
     */
    public void sessionEnded(long session) {
        List<Map.Entry<ObjectId, Lend>> gone = new ArrayList<>();
        List<Lend> freed = new ArrayList<>();
        synchronized (this) {
            lent.entrySet().removeIf(e -> {
                if (e.getValue().session != session) {
                    return false;
                }
                gone.add(e);
                ownerGone.put(e.getKey(), e.getValue().owner);
                return true;
            });
            for (Map.Entry<ObjectId, Lend> e : List.copyOf(lent.entrySet())) {
                if (e.getValue().claims.remove(session) != null) {
                    Lend free = freeIfUnborrowed(e.getKey(), e.getValue());
                    if (free != null) {
                        freed.add(free);
                    }
                }
            }
        }
        freed.forEach(Lends::answerOwner);
        for (Map.Entry<ObjectId, Lend> e : gone) {
            byte[] failure = RemoteCall.encodeFailure(new OwnerDiedException("object " + e.getKey() + " cannot be read: its "
                + "owner, " + e.getValue().owner + ", disconnected before it was ready"));
            e.getValue().readers.forEach(reader -> reader.send(failure));
        }
    }

    /** Lets go of this node's own lent objects (it was fenced: its borrowers hold it dead). */
    public synchronized void dropOwn() {
        lent.values().removeIf(lend -> lend.session == -1);
    }

    /** How many objects are lent out now (for status and tests). */
    public synchronized int count() {
        return lent.size();
    }
}
