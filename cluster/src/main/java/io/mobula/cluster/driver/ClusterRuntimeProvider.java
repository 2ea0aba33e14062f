package io.mobula.cluster.driver;

import io.mobula.NodeContext;
import io.mobula.spi.MobulaRuntime;
import io.mobula.spi.RuntimeProvider;

/** Connects drivers to clusters for {@code Mobula.init("host:port")}; found by the API through {@link java.util.ServiceLoader}. */
public final class ClusterRuntimeProvider implements RuntimeProvider {
    @Override
    public MobulaRuntime startNode(NodeContext context) {
        return null; // the embedded runtime's module starts nodes
    }

    @Override
    public MobulaRuntime connect(String address, String namespace) {
        return ConnectedDriver.runtimeFor(address, namespace);
    }

    @Override
    public MobulaRuntime current() {
        return null; // a driver's work runs on its embedded node, which the embedded runtime's provider finds
    }
}
