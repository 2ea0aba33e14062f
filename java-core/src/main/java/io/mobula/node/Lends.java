package io.mobula.node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mobula.InternalAccess;
import io.mobula.ObjectLostException;
import io.mobula.ObjectRef;
import io.mobula.OwnerDiedException;
import io.mobula.store.ObjectId;
import io.mobula.store.codec.ValueCodec;
import io.mobula.transport.AuthServer;

/**
 * The objects a node has lent out, by id, each kept until its last borrower lets go (distributed
 * reference counting, as Ray's borrowers): the node's own objects (refs its work nested in results
 * it sent out) and those its connected drivers lend through it (a driver serves no one, so this
 * node answers for it). A borrower reads the value here; when a driver's session ends, what it lent
 * is gone and readers are told its owner died.
 */
final class Lends {
    /** How the answer for a read of one of this node's own objects is made once it is ready. */
    interface Answers {
        byte[] answer(ObjectRef<?> ref, ValueCodec codec);
    }

    /** The session of a lend a reader asked for before the driver's deposit arrived (it was sent first, on another path). */
    private static final long AWAITED = -2;
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

    Lends(java.util.function.Supplier<String> nodeId, String address, Answers answers,
          java.util.concurrent.ScheduledExecutorService timer) {
        this.nodeId = nodeId;
        this.address = address;
        this.answers = answers;
        this.timer = timer;
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
        int borrowers;
        final List<AuthServer.Reply> readers = new ArrayList<>();
        /** The driver's deposits, answered when the last borrower lets go. */
        final List<AuthServer.Reply> untilFree = new ArrayList<>();

        Lend(String owner, long session, ObjectRef<?> ref, ValueCodec codec) {
            this.owner = owner;
            this.session = session;
            this.ref = ref;
            this.codec = codec;
        }
    }

    /** This node's own object goes out nested in a value: kept for one more borrower. */
    void lendOwn(ObjectRef<?> ref, ValueCodec codec, String owner) {
        ObjectId id = InternalAccess.entryOf(ref).id();
        List<AuthServer.Reply> early;
        Lend own;
        synchronized (this) {
            Lend lend = lent.get(id);
            if (lend != null && lend.session != AWAITED) {
                lend.borrowers++;
                return;
            }
            own = new Lend(owner, -1, ref, codec); // (a read that came first for it waits in a placeholder)
            own.borrowers = 1;
            lent.put(id, own);
            early = lend == null ? List.of() : takeReaders(lend);
        }
        for (AuthServer.Reply reader : early) {
            InternalAccess.whenReady(ref, () -> reader.send(answers.answer(ref, codec)));
        }
    }

    /** A lent object of this node's own by id (a ref coming home), or null. */
    synchronized ObjectRef<?> own(ObjectId id) {
        Lend lend = lent.get(id);
        return lend == null ? null : lend.ref;
    }

    /** A driver lends an object through this node; {@code answer} is null while it is not ready. */
    void deposit(long session, LendMessages.Message message, AuthServer.Reply untilFree) {
        List<AuthServer.Reply> readers;
        synchronized (this) {
            Lend lend = lent.computeIfAbsent(message.id(), k -> new Lend(message.text(), session, null, null));
            if (lend.session == AWAITED) {
                lend.session = session;
                lend.owner = message.text();
            }
            lend.borrowers++;
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
    void ready(LendMessages.Message message) {
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

    /** A borrower passed the ref on: one more borrower. */
    synchronized void borrow(ObjectId id) {
        Lend lend = lent.get(id);
        if (lend != null) {
            lend.borrowers++;
        }
    }

    /** A borrower let go: the object goes with the last. */
    void unborrow(ObjectId id) {
        List<AuthServer.Reply> owners;
        synchronized (this) {
            Lend lend = lent.get(id);
            if (lend == null || lend.session == AWAITED || --lend.borrowers > 0) {
                return; // (a placeholder stays until its deposit comes or its readers give up)
            }
            lent.remove(id);
            owners = List.copyOf(lend.untilFree);
        }
        owners.forEach(owner -> owner.send(RemoteCall.encodeResult(Boolean.TRUE))); // the driver may let go too
    }

    /**
     * A borrower asks whether a lent object is ready: answered true once it is, without its value
     * (a failed one is ready too), or with why it never will be.
     */
    void probe(ObjectId id, String lenderNodeId, AuthServer.Reply reply) {
        read(id, lenderNodeId, answer -> reply.send(RemoteCall.isFailure(answer) ? answer : READY), false);
    }

    private static final byte[] READY = RemoteCall.encodeResult(Boolean.TRUE);

    /** A borrower reads a lent object: answered once it is ready. */
    void read(ObjectId id, String lenderNodeId, AuthServer.Reply reply) {
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
            InternalAccess.whenReady(found.ref, () -> reply.send(valueWanted ? answers.answer(found.ref, found.codec) : READY));
        }
    }

    /** A driver's session ended: what it lent goes, and its readers are told its owner died. */
    void sessionEnded(long session) {
        List<Map.Entry<ObjectId, Lend>> gone = new ArrayList<>();
        synchronized (this) {
            lent.entrySet().removeIf(e -> {
                if (e.getValue().session != session) {
                    return false;
                }
                gone.add(e);
                ownerGone.put(e.getKey(), e.getValue().owner);
                return true;
            });
        }
        for (Map.Entry<ObjectId, Lend> e : gone) {
            byte[] failure = RemoteCall.encodeFailure(new OwnerDiedException("object " + e.getKey() + " cannot be read: its "
                + "owner, " + e.getValue().owner + ", disconnected before it was ready"));
            e.getValue().readers.forEach(reader -> reader.send(failure));
        }
    }

    /** Lets go of this node's own lent objects (it was fenced: its borrowers hold it dead). */
    synchronized void dropOwn() {
        lent.values().removeIf(lend -> lend.session == -1);
    }

    /** How many objects are lent out now (for status and tests). */
    synchronized int count() {
        return lent.size();
    }
}
