package io.mobula.node;

import io.mobula.runtime.RemoteValue;

/**
 * A connected driver's stored form of a result that stayed on the node that made it: read from the
 * node's arena without a copy when the node is on this host, fetched otherwise; passed to further
 * work as where it lives. When the driver drops it, the node is told to let the object go.
 */
final class ObjectOnNode implements RemoteValue {
    private final NodeObject object;
    private final ConnectedDriver driver;

    ObjectOnNode(NodeObject object, ConnectedDriver driver) {
        this.object = object;
        this.driver = driver;
    }

    NodeObject object() {
        return object;
    }

    @Override
    public Object read() {
        return driver.read(object);
    }

    @Override
    public String toString() {
        return "ObjectOnNode{" + object.id() + " at " + object.address() + "}";
    }
}
