package io.mobula.cluster.daemon;

import io.mobula.ObjectRef;
import io.mobula.runtime.NodeRuntime;
import io.mobula.runtime.ObjectEntry;
import io.mobula.store.ObjectId;
import io.mobula.store.codec.HandleCodec;
import io.mobula.store.codec.ValueCodec;
import io.mobula.cluster.lending.Lends;
import io.mobula.cluster.lending.RefLending;
import io.mobula.cluster.membership.ClusterView;
import io.mobula.cluster.objects.NodeObjects;
import io.mobula.cluster.wire.PeerSessions;
import io.mobula.cluster.ownership.NodeObject;

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
    protected NodeRuntime runtime() {
        return runtime;
    }

    private String ownerName() {
        return "node " + runtime.nodeId() + " at " + address;
    }

    @Override
    protected void lendOwn(ObjectRef<?> ref, ObjectEntry entry, HandleCodec.HandleOutput out, ValueCodec codec) {
        lends.lendOwn(ref, codec, ownerName());
        write(out, entry.id(), address, runtime.nodeId(), ownerName(), false);
    }

    @Override
    protected ObjectRef<?> home(ObjectId id, String lenderNodeId) {
        return lenderNodeId.equals(runtime.nodeId()) ? lends.own(id) : null;
    }

    @Override
    protected void borrowMore(String lenderAddress, ObjectId id, String owner) {
        if (lenderAddress.equals(address)) {
            lends.borrow(id); // lent through this node (a driver's): counted here at once, as its let-go is
        } else {
            super.borrowMore(lenderAddress, id, owner);
        }
    }

    @Override
    protected void letGo(String lenderAddress, ObjectId id, String owner) {
        if (lenderAddress.equals(address)) {
            lends.unborrow(id, Lends.HERE); // lent by this node: no message to itself
        } else {
            super.letGo(lenderAddress, id, owner);
        }
    }

    @Override
    protected void probe(String lenderAddress, ObjectId id, String lenderNodeId, io.mobula.transport.AuthClient.ResponseListener heard) {
        if (lenderAddress.equals(address)) {
            lends.probe(id, lenderNodeId, Lends.HERE, answer -> heard.onResponse(answer, null)); // claimed as let go: here
        } else {
            super.probe(lenderAddress, id, lenderNodeId, heard);
        }
    }

    @Override
    protected boolean dead(String nodeId) {
        return view.dead(nodeId);
    }

    @Override
    protected Object readPlaced(NodeObject object, ValueCodec codec) {
        return objects.readNow(object, codec);
    }
}
