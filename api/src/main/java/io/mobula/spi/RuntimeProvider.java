package io.mobula.spi;

import io.mobula.NodeContext;

/**
 * How the API finds a runtime: implementations are listed in
 * {@code META-INF/services/io.mobula.spi.RuntimeProvider} and loaded with {@link java.util.ServiceLoader}.
 * The embedded node's module provides one that starts nodes; the cluster's module one that connects
 * to a cluster. Each answers null for what it does not do, so the two can sit on one class path.
 */
public interface RuntimeProvider {
    /** Starts an embedded node, or null if this provider does not make them. */
    MobulaRuntime startNode(NodeContext context);

    /**
     * Connects to a cluster at {@code address} as a driver whose job's namespace is {@code namespace}
     * (null: an anonymous one), or null if this provider does not.
     */
    MobulaRuntime connect(String address, String namespace);

    /** The runtime running the calling thread's task or actor, or null. */
    MobulaRuntime current();
}
