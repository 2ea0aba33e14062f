package io.mobula;

import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Function;

import io.mobula.spi.MobulaRuntime;
import io.mobula.spi.RuntimeProvider;

/**
 * The runtimes on the class path, found once through {@link ServiceLoader}: the embedded node's
 * module makes nodes, the cluster's module connects to clusters. The API itself names neither.
 */
final class Runtimes {
    private static final List<RuntimeProvider> PROVIDERS = ServiceLoader.load(RuntimeProvider.class, Runtimes.class.getClassLoader())
        .stream().map(ServiceLoader.Provider::get).toList();

    private Runtimes() {
    }

    static MobulaRuntime startNode(NodeContext context) {
        return first(provider -> provider.startNode(context), "start an embedded node",
            "add the embedded runtime (artifact io.mobula:mobula-core) to the class path");
    }

    static MobulaRuntime connect(String address, String namespace) {
        return first(provider -> provider.connect(address, namespace), "connect to a cluster at " + address,
            "add the cluster runtime (artifact io.mobula:mobula-cluster) to the class path");
    }

    /** The runtime running the calling thread's task or actor, or null. */
    static MobulaRuntime current() {
        for (RuntimeProvider provider : PROVIDERS) {
            MobulaRuntime current = provider.current();
            if (current != null) {
                return current;
            }
        }
        return null;
    }

    private static MobulaRuntime first(Function<RuntimeProvider, MobulaRuntime> start, String what, String fix) {
        for (RuntimeProvider provider : PROVIDERS) {
            MobulaRuntime runtime = start.apply(provider);
            if (runtime != null) {
                return runtime;
            }
        }
        throw new MobulaException("no Mobula runtime on the class path can " + what + " (found " + PROVIDERS.size()
            + " provider(s) of io.mobula.spi.RuntimeProvider); " + fix);
    }
}
