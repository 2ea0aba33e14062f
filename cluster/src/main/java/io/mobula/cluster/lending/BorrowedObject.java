package io.mobula.cluster.lending;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.mobula.MobulaException;
import io.mobula.NodeDiedException;
import io.mobula.ObjectLostException;
import io.mobula.OwnerDiedException;
import io.mobula.runtime.RemoteValue;
import io.mobula.store.ObjectId;
import io.mobula.store.codec.ValueCodec;
import io.mobula.transport.ServerGoneException;
import io.mobula.cluster.ownership.NodeObject;
import io.mobula.cluster.wire.LendMessages;
import io.mobula.cluster.wire.RemoteCall;

/**
 * The stored form of a borrowed ref: an object another process owns, whose value is asked of the
 * node that lent it each time someone here gets it (it waits there until the value is ready). When
 * that node is gone, so is what says where the object lives: {@link OwnerDiedException}, or
 * {@link ObjectLostException} when only the node a driver lent it through is gone.
 */
final class BorrowedObject implements RemoteValue {
    /** A value may be a task still running at its owner: wait for it as long as a call. */
    private static final long READ_TIMEOUT_MS = TimeUnit.HOURS.toMillis(1);
    /** Longer than a head's default dead-after time (5 s) and a view refresh. */
    private static final long DEATH_WAIT_MS = 15_000;

    final ObjectId id;
    /** The node that lent it out and answers for it. */
    final String lenderAddress;
    final String lenderNodeId;
    /** Who owns it, in words: the lender itself, or the driver it lends for. */
    final String owner;
    /** Whether the lender only answers for a driver that owns it. */
    final boolean lentForDriver;
    private final RefLending lending;
    private final ValueCodec codec;

    BorrowedObject(ObjectId id, String lenderAddress, String lenderNodeId, String owner, boolean lentForDriver,
                   RefLending lending, ValueCodec codec) {
        this.id = id;
        this.lenderAddress = lenderAddress;
        this.lenderNodeId = lenderNodeId;
        this.owner = owner;
        this.lentForDriver = lentForDriver;
        this.lending = lending;
        this.codec = codec;
    }

    @Override
    public Object read() {
        if (lending.dead(lenderNodeId)) {
            throw lenderGone(null);
        }
        byte[] answer;
        try {
            answer = lending.sessions().send(lenderAddress, LendMessages.read(id, lenderNodeId))
                .get(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ServerGoneException || cause instanceof NodeDiedException || declaredDeadSoon()) {
                throw lenderGone(cause);
            }
            throw new MobulaException("cannot read borrowed object " + id + " from the node at " + lenderAddress + ": "
                + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new MobulaException("borrowed object " + id + " was not ready at " + lenderAddress + " within "
                + READ_TIMEOUT_MS + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MobulaException("interrupted while reading borrowed object " + id, e);
        }
        try {
            Object value = RemoteCall.decodeAnswer(answer, "object " + id, codec);
            return value instanceof NodeObject placed ? lending.readPlaced(placed, codec) : value;
        } catch (java.io.IOException e) {
            throw new MobulaException("a malformed answer for borrowed object " + id + " from " + lenderAddress + ": " + e, e);
        }
    }

    /**
     * After the lender could not be reached: whether it is declared dead within a while (a node that
     * went silent is declared dead only after the head's dead-after time, and heard of a second later).
     */
    private boolean declaredDeadSoon() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEATH_WAIT_MS);
        while (!lending.dead(lenderNodeId)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        return true;
    }

    /** Why it cannot be read: its owner died ({@link OwnerDiedException}), or only the node it was lent through. */
    ObjectLostException lenderGone(Throwable cause) {
        if (lentForDriver) {
            return new ObjectLostException("object " + id + " is lost: its owner, " + owner + ", lent it through node "
                + lenderNodeId + " at " + lenderAddress + ", which died", cause);
        }
        return new OwnerDiedException("object " + id + " cannot be read: its owner, node " + lenderNodeId + " at "
            + lenderAddress + ", died, and with it what said where the object lives; make it in work whose result comes "
            + "back to a process that outlives it", cause);
    }

    @Override
    public String toString() {
        return "BorrowedObject{" + id + " from " + owner + "}";
    }
}
