package io.mobula.cluster.ownership;

import io.mobula.MobulaException;
import io.mobula.ObjectLostException;
import io.mobula.runtime.RemoteValue;

/**
 * A connected driver's stored form of a result that stayed on the node that made it: read from the
 * node's arena without a copy when the node is on this host, fetched otherwise ({@link ObjectOwner#read});
 * passed to further work as where it lives. When the driver drops it, the node is told to let the object go.
 * <p>
 * If the node holding it dies, the driver (its owner) makes it again from its {@link Lineage}: the
 * task that made it runs again, its own lost arguments rebuilt first, and this form then points at
 * the new copy. A value with no lineage (a put, an actor method's result) or none left is lost:
 * {@link ObjectLostException}.
 */
public final class ObjectOnNode implements RemoteValue {
    private final ObjectOwner owner;
    /** How to make it again; null when it cannot be. */
    private final Lineage lineage;
    /** Where it lives now: replaced when it is rebuilt (shared with what releases it when the driver drops it). */
    private final java.util.concurrent.atomic.AtomicReference<NodeObject> where;
    /** A rebuilt value small enough to have come back in the answer itself; null while it lives on a node. */
    private volatile Object inline;
    /** Rebuilds left; guarded by this. */
    private int rebuildsLeft;

    public ObjectOnNode(NodeObject object, ObjectOwner owner, Lineage lineage) {
        this.where = new java.util.concurrent.atomic.AtomicReference<>(object);
        this.owner = owner;
        this.lineage = lineage;
        this.rebuildsLeft = lineage == null ? 0 : lineage.maxRebuilds();
    }

    public NodeObject object() {
        return where.get();
    }

    /** Where it lives, as it changes: what releases it reads this, not the form, which is gone by then. */
    public java.util.concurrent.atomic.AtomicReference<NodeObject> where() {
        return where;
    }

    /** Whether a rebuild brought the value back in its answer (it lives on no node now). */
    public boolean isInline() {
        return inline != null;
    }

    /** The value a rebuild brought back; only when {@link #isInline()}. */
    public Object inlineValue() {
        Object small = inline;
        return small == NULL ? null : small;
    }

    @Override
    public Object read() {
        while (true) {
            if (isInline()) {
                return inlineValue();
            }
            NodeObject at = where.get();
            try {
                return owner.read(at);
            } catch (MobulaException e) {
                if (!owner.lost(at, e)) {
                    throw e;
                }
                rebuild(at);
            }
        }
    }

    /** Its owner freed it: the node holding it drops it now (a value rebuilt small lives on no node). */
    @Override
    public void free() {
        if (inline == null) {
            owner.free(where.get());
        }
    }

    /** Rebuilds it now if the node holding it is gone: so work that takes it finds it. */
    public void ensureAlive() {
        NodeObject at = where.get();
        if (inline == null && owner.holderGone(at)) {
            rebuild(at);
        }
    }

    /**
     * Makes the object again unless another thread already has (it then no longer lives at
     * {@code lost}).
     *
     * @throws ObjectLostException if it has no lineage or no rebuilds left.
     */
    private synchronized void rebuild(NodeObject lost) {
        if (where.get() != lost || inline != null) {
            return; // rebuilt meanwhile
        }
        if (lineage == null) {
            throw new ObjectLostException("object " + lost.id() + " was lost with the node at " + lost.address()
                + ", which held its only copy; it was made by put() or by an actor's method, so it cannot be made again: "
                + "put it again, or make it with a task (the owner then runs that task again)");
        }
        if (rebuildsLeft <= 0) {
            throw new ObjectLostException("object " + lost.id() + " was lost with the node at " + lost.address()
                + " and cannot be made again: " + lineage.displayName() + " that made it has no retries left (maxRetries "
                + lineage.maxRebuilds() + "); allow some with maxRetries(n)");
        }
        rebuildsLeft--;
        Object made = owner.rerun(lineage);
        if (made instanceof NodeObject again) {
            where.set(again);
        } else {
            inline = made == null ? NULL : made;
        }
    }

    /** Stands for a rebuilt null (never a task's large result, but a task may change its mind). */
    private static final Object NULL = new Object();

    @Override
    public String toString() {
        NodeObject at = where.get();
        return "ObjectOnNode{" + at.id() + " at " + at.address() + "}";
    }
}
