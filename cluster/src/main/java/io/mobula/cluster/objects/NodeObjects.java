package io.mobula.cluster.objects;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.mobula.MobulaException;
import io.mobula.ObjectRef;
import io.mobula.store.ObjectId;
import io.mobula.store.ObjectView;
import io.mobula.store.codec.ValueCodec;
import io.mobula.store.codec.ValueKind;
import io.mobula.runtime.NodeRuntime;
import io.mobula.cluster.ownership.NodeObject;
import io.mobula.cluster.wire.PeerSessions;
import io.mobula.cluster.wire.ObjectMessages;

/**
 * The objects a node keeps for owners elsewhere and reads for work it runs. A large result stays in
 * the store of the node that made it, held here until its owner releases it; the owner (a driver on
 * this host) maps the arena and reads it without a copy, or anyone fetches it in pieces. An
 * argument that lives in a store is read from this node's own store without a copy, or fetched from
 * its node before the work runs.
 */
public final class NodeObjects {
    private final NodeRuntime runtime;
    private final String address;
    private final PeerSessions peers;
    private final ObjectManager manager;
    /** Whether a node id was declared dead, as this node's view of the cluster says. */
    private final Predicate<String> declaredDead;
    /**
     * Objects kept for their owners: a result's ref (which holds its store object alive), or
     * {@link #WRITTEN} for a driver's value written here (deleted when released).
     */
    private final Map<ObjectId, Object> held = new ConcurrentHashMap<>();
    private static final Object WRITTEN = new Object();
    private static final CompletableFuture<Map<ObjectId, ObjectView>> NONE = CompletableFuture.completedFuture(Map.of());
    /** Drivers' values being written, piece by piece. */
    private final Map<ObjectId, io.mobula.store.ObjectBuilder> writing = new ConcurrentHashMap<>();
    /**
     * Pulled copies by how many pieces of work are pulling or using them; guarded by itself. A copy
     * goes when the last lets go, not the first: work that joined the same pull must still find it.
     */
    private final Map<ObjectId, Integer> copiesInUse = new HashMap<>();

    public NodeObjects(NodeRuntime runtime, String address, PeerSessions peers, ObjectManager manager,
                       Predicate<String> declaredDead) {
        this.runtime = runtime;
        this.address = address;
        this.peers = peers;
        this.manager = manager;
        this.declaredDead = declaredDead;
    }

    /** Keeps a result in the store for its owner. @return where it lives, or null if it is not in a shared store. */
    public NodeObject keep(ObjectRef<?> result, ObjectId id, int kind, long size) {
        NodeObject where = locate(id, kind, size);
        if (where != null) {
            held.put(id, result);
        }
        return where;
    }

    /** Where an object of this node's store lives, for those who read it; null if the store is not shared. */
    public NodeObject locate(ObjectId id, int kind, long size) {
        if (runtime.arenaPath() == null) {
            return null;
        }
        return new NodeObject(id, kind, size, runtime.arenaPath().toString(), address, manager.address(), runtime.nodeId());
    }

    /**
     * An object's value, read now: from this node's store in place, or fetched from the node that
     * holds it (a borrowed object's value, read while work runs).
     */
    public Object readNow(NodeObject object, ValueCodec codec) {
        if (heldHere(object)) {
            ObjectView view = runtime.storedObject(object.id());
            if (view == null) {
                throw new io.mobula.ObjectLostException("object " + object.id() + " is no longer in the store of node "
                    + runtime.nodeId() + " at " + address);
            }
            return decode(view, codec);
        }
        return fetchValue(peers, object, codec, java.util.concurrent.TimeUnit.HOURS.toMillis(1));
    }

    public void release(ObjectId id) {
        if (held.remove(id) == WRITTEN) {
            runtime.objectStore().delete(id);
        }
    }

    /**
     * Drops an object kept here for its owner now, because its owner freed it ({@code Mobula.free}):
     * a driver's written value is deleted, a kept result's value freed (a later read of it here
     * fails with {@code ObjectFreedException}). Nothing happens for an object not kept here.
     */
    public void free(ObjectId id) {
        Object kept = held.remove(id);
        if (kept == WRITTEN) {
            runtime.objectStore().delete(id);
        } else if (kept instanceof ObjectRef<?> result) {
            runtime.free(new io.mobula.spi.ObjectState[] {io.mobula.runtime.RuntimeAccess.entryOf(result)});
        }
    }

    /**
     * Whether this node process holds {@code object}: by its holder's id, not its address (a node
     * started again at an address is another node, without the objects of the one before).
     */
    private boolean heldHere(NodeObject object) {
        return object.holder().equals(runtime.nodeId());
    }

    /** Lets go of everything kept for owners (this node was fenced: its owners have made them again elsewhere). */
    public void releaseAll() {
        held.keySet().forEach(this::release);
    }

    /**
     * Writes a piece of a driver's value into this node's store; the last piece seals it.
     *
     * @return where it lives once sealed, else null.
     */
    public NodeObject writePiece(ObjectId id, int kind, long size, long offset, byte[] bytes) {
        io.mobula.store.ObjectBuilder builder = writing.computeIfAbsent(id, k -> runtime.objectStore().create(id, size, kind));
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, builder.data(), offset, bytes.length);
        if (offset + bytes.length < size) {
            return null;
        }
        writing.remove(id);
        builder.seal();
        held.put(id, WRITTEN);
        return new NodeObject(id, kind, size, runtime.arenaPath() == null ? "" : runtime.arenaPath().toString(), address,
            manager.address(), runtime.nodeId());
    }

    /** How many results are kept for owners (for tests and status). */
    public int heldCount() {
        return held.size();
    }

    /** A piece of an object in this node's store. */
    public byte[] readPiece(ObjectId id, long offset, int length) {
        ObjectView view = runtime.storedObject(id);
        if (view == null) {
            throw new MobulaException("object " + id + " is not in the store of the node at " + address
                + " (its owner released it, or the node restarted)");
        }
        try {
            MemorySegment data = view.data();
            long end = Math.min(data.byteSize(), offset + length);
            return end <= offset ? new byte[0] : data.asSlice(offset, end - offset).toArray(ValueLayout.JAVA_BYTE);
        } finally {
            view.close();
        }
    }

    /**
     * Pulls, before work runs, the arguments that live on other nodes into this node's store (in
     * chunks, straight into the arena; one transfer however many pieces of work wait for it).
     *
     * @return the pulled objects' views by id: the work's values read them in place.
     */
    public CompletableFuture<Map<ObjectId, ObjectView>> fetchRemote(List<NodeObject> objects) {
        if (objects.isEmpty()) {
            return NONE; // the usual call: every argument travelled inside it
        }
        Map<ObjectId, ObjectView> fetched = new ConcurrentHashMap<>();
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        List<ObjectId> using = new ArrayList<>();
        for (NodeObject object : objects) {
            if (!heldHere(object) && !using.contains(object.id())) { // an object passed twice: one pull
                synchronized (copiesInUse) {
                    copiesInUse.merge(object.id(), 1, Integer::sum);
                }
                using.add(object.id());
                if (!declaredDead.test(object.holder())) {
                    // its manager's address may be one this node stopped asking when an earlier id there was
                    // declared dead: a node fenced while it lived joins again under a new id, same manager
                    manager.nodeAlive(object.objectManager());
                }
                pending.add(manager.pull(object.id(), object.objectManager()).thenAccept(pulled -> {
                    ObjectView twice = fetched.put(object.id(), pulled);
                    if (twice != null) {
                        twice.close();
                    }
                }));
            }
        }
        CompletableFuture<Map<ObjectId, ObjectView>> all = CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
            .thenApply(v -> new HashMap<>(fetched));
        all.whenComplete((views, failed) -> {
            if (failed != null) { // the work will not run: what did arrive is let go
                fetched.values().forEach(ObjectView::close);
                using.forEach(this::letGoOfCopy);
            }
        });
        return all;
    }

    /** One piece of work is done with a pulled copy: the copy goes when nobody else pulls or uses it. */
    private void letGoOfCopy(ObjectId id) {
        synchronized (copiesInUse) {
            Integer users = copiesInUse.get(id);
            if (users != null && users > 1) {
                copiesInUse.put(id, users - 1);
                return;
            }
            copiesInUse.remove(id);
            manager.forget(id);
            runtime.objectStore().delete(id);
        }
    }

    /**
     * An argument's value: a result kept here is passed as the ref it is (no copy, not stored
     * again); another object of this node's store is read in place; one from elsewhere, from what
     * was fetched.
     */
    public Object value(NodeObject object, ValueCodec codec, Map<ObjectId, ObjectView> fetched) {
        if (held.get(object.id()) instanceof ObjectRef<?> kept && heldHere(object)) {
            return kept;
        }
        ObjectView view = heldHere(object) ? runtime.storedObject(object.id()) : fetched.get(object.id());
        if (view == null) { // its owner may still make it again
            throw new ArgumentUnavailableException("object " + object.id() + " is no longer in the store of node "
                + runtime.nodeId() + " at " + address, null);
        }
        return decode(view, codec);
    }

    /** An object's value, fetched in pieces from the node that holds it, waiting at most {@code timeoutMs}. */
    public static Object fetchValue(PeerSessions peers, NodeObject object, ValueCodec codec, long timeoutMs) {
        try {
            byte[] bytes = fetch(peers, object).get(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS);
            return codec.decode(object.kind(), MemorySegment.ofArray(bytes));
        } catch (java.util.concurrent.ExecutionException e) {
            throw new MobulaException("cannot fetch object " + object.id() + " from the node at " + object.address() + ": "
                + e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new MobulaException("fetching object " + object.id() + " from " + object.address() + " timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MobulaException("interrupted while fetching object " + object.id(), e);
        }
    }

    /** A stored object's value, read in place: it keeps the store's bytes for as long as it is held. Closes the view. */
    public static Object decode(ObjectView view, ValueCodec codec) {
        try {
            Object value = codec.decode(view.kind(), view.data());
            if (ValueKind.isView(view.kind())) {
                view.retainBytes(value);
            }
            return value;
        } finally {
            view.close();
        }
    }

    /**
     * A pulled copy's work is done: the copy goes (its bytes stay while a value still reads them).
     * The next work that needs it pulls it again; the owner's node still has it.
     */
    public void dropCopies(Map<ObjectId, ObjectView> fetched) {
        for (Map.Entry<ObjectId, ObjectView> copy : fetched.entrySet()) {
            copy.getValue().close();
            letGoOfCopy(copy.getKey());
        }
    }

    /** Fetches a whole object from the node it lives on, piece after piece. */
    static CompletableFuture<byte[]> fetch(PeerSessions peers, NodeObject object) {
        if (object.size() > Integer.MAX_VALUE - 64) {
            return CompletableFuture.failedFuture(new MobulaException("object " + object.id() + " of " + object.size()
                + " bytes is too large to fetch whole; read it on its node's host"));
        }
        byte[] whole = new byte[(int) object.size()];
        CompletableFuture<Void> chain = peers.readInPieces(object.address(), object.size(), ObjectMessages.PIECE_BYTES,
            (offset, length) -> ObjectMessages.read(object.id(), offset, length),
            (offset, piece) -> System.arraycopy(piece, 0, whole, (int) offset, piece.length), "reading object " + object.id());
        return chain.thenApply(v -> whole);
    }
}
