package io.mobula.cluster.objects;

import java.util.List;

import io.mobula.store.ObjectId;

/** Every node a pull asked answered that it does not hold the object. */
public class ObjectNotFoundException extends ObjectTransferException {
    private final List<String> nodes;

    public ObjectNotFoundException(ObjectId objectId, List<String> nodes) {
        super(objectId, "object " + objectId + " is not on node" + (nodes.size() == 1 ? " " : "s ") + String.join(", ", nodes)
            + ": it was never sealed there, was deleted, or the address names another node");
        this.nodes = List.copyOf(nodes);
    }

    /** The nodes (HOST:PORT) that said they do not hold the object. */
    public List<String> nodes() {
        return nodes;
    }
}
