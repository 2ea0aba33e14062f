package io.mobula.node;

import io.mobula.ObjectRef;
import io.mobula.runtime.NodeRuntime;
import io.mobula.runtime.ObjectEntry;
import io.mobula.store.ObjectId;
import io.mobula.store.codec.HandleCodec;
import io.mobula.store.codec.ValueCodec;

/**
 * A node's side of refs crossing: its own objects (made or put by its work) lent in what it sends
 * out are kept in its {@link Lends} until their borrowers let go; refs its work receives are
 * borrowed from their lenders.
 */
final class NodeLending extends RefLending {
    private final NodeRuntime runtime;
    private final String address;
    private final Lends lends;
    private final ClusterView view;
    private final NodeObjects objects;

    NodeLending(PeerSessions peers, NodeRuntime runtime, String address, Lends lends, ClusterView view, NodeObjects objects) {
        super(peers);
        this.runtime = runtime;
        this.address = address;
        this.lends = lends;
        this.view = view;
        this.objects = objects;
    }

    @Override
    NodeRuntime runtime() {
        return runtime;
    }

    private String ownerName() {
        return "node " + runtime.nodeId() + " at " + address;
    }

    @Override
    void lendOwn(ObjectRef<?> ref, ObjectEntry entry, HandleCodec.HandleOutput out, ValueCodec codec) {
        lends.lendOwn(ref, codec, ownerName());
        write(out, entry.id(), address, runtime.nodeId(), ownerName(), false);
    }

    @Override
    ObjectRef<?> home(ObjectId id, String lenderNodeId) {
        return lenderNodeId.equals(runtime.nodeId()) ? lends.own(id) : null;
    }

    @Override
    void borrowMore(String lenderAddress, ObjectId id, String owner) {
        if (lenderAddress.equals(address)) {
            lends.borrow(id); // lent through this node (a driver's): counted here at once, as its let-go is
        } else {
            super.borrowMore(lenderAddress, id, owner);
        }
    }

    @Override
    void letGo(String lenderAddress, ObjectId id, String owner) {
        if (lenderAddress.equals(address)) {
            lends.unborrow(id, Lends.HERE); // lent by this node: no message to itself
        } else {
            super.letGo(lenderAddress, id, owner);
        }
    }

    @Override
    void probe(String lenderAddress, ObjectId id, String lenderNodeId, io.mobula.transport.AuthClient.ResponseListener heard) {
        if (lenderAddress.equals(address)) {
            lends.probe(id, lenderNodeId, Lends.HERE, answer -> heard.onResponse(answer, null)); // claimed as let go: here
        } else {
            super.probe(lenderAddress, id, lenderNodeId, heard);
        }
    }

    @Override
    boolean dead(String nodeId) {
        return view.dead(nodeId);
    }

    @Override
    Object readPlaced(NodeObject object, ValueCodec codec) {
        return objects.readNow(object, codec);
    }
}
