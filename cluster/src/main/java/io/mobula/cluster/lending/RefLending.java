package io.mobula.cluster.lending;

import java.lang.ref.Cleaner;

import io.mobula.runtime.RuntimeAccess;
import io.mobula.InternalAccess;
import io.mobula.MobulaException;
import io.mobula.NodeDiedException;
import io.mobula.ObjectRef;
import io.mobula.runtime.NodeRuntime;
import io.mobula.runtime.ObjectEntry;
import io.mobula.runtime.StoredValues;
import io.mobula.store.ObjectId;
import io.mobula.store.codec.HandleCodec;
import io.mobula.store.codec.ValueCodec;
import io.mobula.transport.ServerGoneException;
import io.mobula.cluster.ownership.NodeObject;
import io.mobula.cluster.wire.LendMessages;
import io.mobula.cluster.wire.PeerSessions;
import io.mobula.cluster.wire.RefCrossing;
import io.mobula.cluster.wire.RemoteCall;

/**
 * A process side's {@link RefCrossing}: what is common to a node and a driver. A ref on the wire is
 * <pre>
 *   object id (i64 high, i64 low) | lender address | lender node id | owner (in words) | lent for a driver (i64 0/1)
 * </pre>
 * A borrowed ref passed on is written as it came, after telling its lender of the new borrower (on
 * the same session as this process's own letting go, so the lender hears it first). Reading one
 * back makes a {@link BorrowedObject}, ready once its lender says the object is (it asks at once);
 * when it is unreachable here, its lender is told.
 */
public abstract class RefLending implements RefCrossing {
    /** Tells lenders that borrowed objects here are unreachable; shared by every side in the process. */
    private static final Cleaner LET_GO = Cleaner.create(r -> {
        Thread t = new Thread(r, "mobula-borrowed-refs");
        t.setDaemon(true);
        return t;
    });

    private final PeerSessions sessions;
    /**
     * Borrowed refs' entries by identity, also before they are ready (or once failed), so that one
     * passed on goes as borrowed, never as this process's own. Weak both ways: an entry gone is
     * forgotten, and the form is held by its entry (or its pending probe), never by this map.
     */
    private final java.util.Map<ObjectEntry, java.lang.ref.WeakReference<BorrowedObject>> borrowedEntries =
        java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    protected RefLending(PeerSessions sessions) {
        this.sessions = sessions;
    }

    protected PeerSessions sessions() {
        return sessions;
    }

    /** The runtime borrowed refs are bound to. */
    protected abstract NodeRuntime runtime();

    /** Lends an object this process owns: keeps it for the borrower and writes where it is lent from. */
    protected abstract void lendOwn(ObjectRef<?> ref, ObjectEntry entry, HandleCodec.HandleOutput out, ValueCodec codec);

    /** This process's own ref to {@code id} when it lent it through {@code lenderNodeId}; else null. */
    protected abstract ObjectRef<?> home(ObjectId id, String lenderNodeId);

    /** Whether the node {@code nodeId} is known to have died. */
    protected abstract boolean dead(String nodeId);

    /** A borrowed value that lives in a node's store: read from there. */
    protected abstract Object readPlaced(NodeObject object, ValueCodec codec);

    /** Tells the lender of {@code id} that one borrower here let go of it. */
    protected void letGo(String lenderAddress, ObjectId id, String owner) {
        sessions.send(lenderAddress, LendMessages.unborrow(id, owner));
    }

    /**
     * Asks the lender whether {@code id} is ready; {@code heard} hears the answer. The lender counts
     * the ref as this process's from then on (on the session its let-go will come by).
     */
    protected void probe(String lenderAddress, ObjectId id, String lenderNodeId, io.mobula.transport.AuthClient.ResponseListener heard) {
        sessions.send(lenderAddress, LendMessages.probe(id, lenderNodeId), heard);
    }

    /** Tells the lender of {@code id} of one more borrower here (a borrowed ref passed on). */
    protected void borrowMore(String lenderAddress, ObjectId id, String owner) {
        sessions.send(lenderAddress, LendMessages.borrow(id, owner));
    }

    @Override
    public final void lend(ObjectRef<?> ref, HandleCodec.HandleOutput out, ValueCodec codec) {
        ObjectEntry entry = RuntimeAccess.entryOf(ref);
        BorrowedObject borrowed = entry.stored() instanceof BorrowedObject form ? form : borrowedForm(entry);
        if (borrowed != null) { // passed on as it came, ready or not (never lent as this process's own)
            borrowMore(borrowed.lenderAddress, borrowed.id, borrowed.owner);
            write(out, borrowed.id, borrowed.lenderAddress, borrowed.lenderNodeId, borrowed.owner, borrowed.lentForDriver);
            return;
        }
        lendOwn(ref, entry, out, codec);
    }

    private BorrowedObject borrowedForm(ObjectEntry entry) {
        java.lang.ref.WeakReference<BorrowedObject> form = borrowedEntries.get(entry);
        return form == null ? null : form.get();
    }

    protected static void write(HandleCodec.HandleOutput out, ObjectId id, String lenderAddress, String lenderNodeId, String owner,
                      boolean lentForDriver) {
        out.writeLong(id.high());
        out.writeLong(id.low());
        out.writeString(lenderAddress);
        out.writeString(lenderNodeId);
        out.writeString(owner);
        out.writeLong(lentForDriver ? 1 : 0);
    }

    @Override
    public final ObjectRef<?> borrow(HandleCodec.HandleInput in, ValueCodec codec) {
        ObjectId id = new ObjectId(in.readLong(), in.readLong());
        String lenderAddress = in.readString();
        String lenderNodeId = in.readString();
        String owner = in.readString();
        boolean lentForDriver = in.readLong() != 0;
        ObjectRef<?> home = home(id, lenderNodeId);
        if (home != null) {
            letGo(lenderAddress, id, owner); // held here by its own ref now, not as a borrowed one
            return home;
        }
        BorrowedObject form = new BorrowedObject(id, lenderAddress, lenderNodeId, owner, lentForDriver, this, codec);
        if (dead(lenderNodeId)) { // nothing to let go of there: no one answers
            ObjectEntry failed = new ObjectEntry(id, new StoredValues.Failed(form.lenderGone(null)));
            borrowedEntries.put(failed, new java.lang.ref.WeakReference<>(form));
            return InternalAccess.newRef(failed, runtime());
        }
        LET_GO.register(form, () -> {
            if (!dead(lenderNodeId)) {
                letGo(lenderAddress, id, owner);
            }
        });
        ObjectEntry entry = new ObjectEntry(id); // ready when its lender says it is: isReady and wait see it then
        borrowedEntries.put(entry, new java.lang.ref.WeakReference<>(form));
        probe(lenderAddress, id, lenderNodeId, (answer, failure) -> entry.complete(readiness(form, answer, failure)));
        return InternalAccess.newRef(entry, runtime());
    }

    /**
     * What a borrowed ref's entry holds once its lender answered whether the object is ready: the
     * borrowed form (a get then reads the value), or why it will never be.
     */
    private static Object readiness(BorrowedObject form, byte[] answer, Throwable failure) {
        if (failure instanceof ServerGoneException || failure instanceof NodeDiedException) {
            return new StoredValues.Failed(form.lenderGone(failure));
        }
        if (failure == null && RemoteCall.isFailure(answer)) {
            try {
                RemoteCall.decodeAnswer(answer, "object " + form.id);
            } catch (MobulaException e) {
                return new StoredValues.Failed(e); // its task failed, or its owner is gone
            } catch (java.io.IOException e) {
                return form;
            }
        }
        return form; // ready; or the lender could not be asked now, and a get asks again and says why
    }
}
