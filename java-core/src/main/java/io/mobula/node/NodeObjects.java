package io.mobula.node;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.mobula.MobulaException;
import io.mobula.ObjectRef;
import io.mobula.store.ObjectId;
import io.mobula.store.ObjectView;
import io.mobula.store.codec.ValueCodec;
import io.mobula.store.codec.ValueKind;
import io.mobula.runtime.NodeRuntime;

/**
 * The objects a node keeps for owners elsewhere and reads for work it runs. A large result stays in
 * the store of the node that made it, held here until its owner releases it; the owner (a driver on
 * this host) maps the arena and reads it without a copy, or anyone fetches it in pieces. An
 * argument that lives in a store is read from this node's own store without a copy, or fetched from
 * its node before the work runs.
 */
final class NodeObjects {
    private final NodeRuntime runtime;
    private final String address;
    private final PeerSessions peers;
    /** Results kept for their owners: the ref holds the store object alive. */
    private final Map<ObjectId, ObjectRef<?>> held = new ConcurrentHashMap<>();

    NodeObjects(NodeRuntime runtime, String address, PeerSessions peers) {
        this.runtime = runtime;
        this.address = address;
        this.peers = peers;
    }

    /** Keeps a result in the store for its owner. @return where it lives, or null if it is not in a shared store. */
    NodeObject keep(ObjectRef<?> result, ObjectId id, int kind, long size) {
        if (runtime.arenaPath() == null) {
            return null;
        }
        held.put(id, result);
        return new NodeObject(id, kind, size, runtime.arenaPath().toString(), address);
    }

    void release(ObjectId id) {
        held.remove(id);
    }

    /** How many results are kept for owners (for tests and status). */
    int heldCount() {
        return held.size();
    }

    /** A piece of an object in this node's store. */
    byte[] readPiece(ObjectId id, long offset, int length) {
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

    /** Fetches, before work runs, the arguments that live on other nodes: their bytes by id. */
    CompletableFuture<Map<ObjectId, byte[]>> fetchRemote(List<NodeObject> objects) {
        Map<ObjectId, byte[]> fetched = new ConcurrentHashMap<>();
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (NodeObject object : objects) {
            if (!object.address().equals(address) && !fetched.containsKey(object.id())) {
                pending.add(fetch(peers, object).thenAccept(bytes -> fetched.put(object.id(), bytes)));
            }
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(v -> new HashMap<>(fetched));
    }

    /**
     * An argument's value: a result kept here is passed as the ref it is (no copy, not stored
     * again); another object of this node's store is read in place; one from elsewhere, from what
     * was fetched.
     */
    Object value(NodeObject object, ValueCodec codec, Map<ObjectId, byte[]> fetched) {
        ObjectRef<?> kept = held.get(object.id());
        if (kept != null && object.address().equals(address)) {
            return kept;
        }
        if (!object.address().equals(address)) {
            byte[] bytes = fetched.get(object.id());
            return codec.decode(object.kind(), MemorySegment.ofArray(bytes));
        }
        ObjectView view = runtime.storedObject(object.id());
        if (view == null) {
            throw new MobulaException("object " + object.id() + " is no longer in this node's store");
        }
        try {
            Object value = codec.decode(view.kind(), view.data());
            if (ValueKind.isView(view.kind())) {
                view.retainBytes(value); // the work reads the store's bytes for as long as it holds the value
            }
            return value;
        } finally {
            view.close();
        }
    }

    /** Fetches a whole object from the node it lives on, piece after piece. */
    static CompletableFuture<byte[]> fetch(PeerSessions peers, NodeObject object) {
        if (object.size() > Integer.MAX_VALUE - 64) {
            return CompletableFuture.failedFuture(new MobulaException("object " + object.id() + " of " + object.size()
                + " bytes is too large to fetch whole; read it on its node's host"));
        }
        byte[] whole = new byte[(int) object.size()];
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (long offset = 0; offset < object.size(); offset += ObjectMessages.PIECE_BYTES) {
            long at = offset;
            int length = (int) Math.min(ObjectMessages.PIECE_BYTES, object.size() - at);
            chain = chain.thenCompose(v -> peers.send(object.address(), ObjectMessages.read(object.id(), at, length)))
                .thenAccept(answer -> {
                    try {
                        byte[] piece = (byte[]) RemoteCall.decodeAnswer(answer, "reading object " + object.id());
                        System.arraycopy(piece, 0, whole, (int) at, piece.length);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
        }
        return chain.thenApply(v -> whole);
    }
}
