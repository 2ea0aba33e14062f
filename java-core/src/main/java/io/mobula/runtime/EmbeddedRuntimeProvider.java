package io.mobula.runtime;

import io.mobula.NodeContext;
import io.mobula.spi.MobulaRuntime;
import io.mobula.spi.RuntimeProvider;

/** Makes embedded nodes for {@code Mobula.init()}; found by the API through {@link java.util.ServiceLoader}. */
public final class EmbeddedRuntimeProvider implements RuntimeProvider {
    @Override
    public MobulaRuntime startNode(NodeContext context) {
        return new NodeRuntime(context);
    }

    @Override
    public MobulaRuntime connect(String address, String namespace) {
        return null; // the cluster's module connects
    }

    @Override
    public MobulaRuntime current() {
        ExecutionContext context = ExecutionContext.current();
        return context == null ? null : context.runtime();
    }
}
