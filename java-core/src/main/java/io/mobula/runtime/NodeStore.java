package io.mobula.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

import io.mobula.NodeContext;
import io.mobula.spi.HostMemoryPinner;
import io.mobula.store.InProcessObjectStore;
import io.mobula.store.ObjectStore;
import io.mobula.store.StoreContext;
import io.mobula.store.arena.SharedArenaStore;

/**
 * A node's object store as its context asks: a shared-memory arena other local processes map, or
 * private to the process. With GPUs, a shared arena is page-locked for the devices through the
 * {@link HostMemoryPinner}s found, and let go before the mapping goes.
 */
final class NodeStore implements AutoCloseable {
    private final ObjectStore store;
    private final List<HostMemoryPinner> pinners;

    NodeStore(NodeContext context, boolean hasGpus) {
        StoreContext storeContext = new StoreContext()
            .capacityBytes(context.storeCapacityBytes())
            .createTimeoutNs(context.storeCreateTimeoutNs())
            .pressureHook(System::gc) // objects are freed when their refs are collected
            .spillDirectory(context.spillDirectory() != null ? context.spillDirectory() : SharedArenaStore.defaultSpillDirectory());
        if (context.storeDirectory() != null) {
            storeContext.directory(context.storeDirectory());
        }
        this.store = context.sharedArena()
            ? SharedArenaStore.inSharedMemory(storeContext, context.prefaultArena())
            : new InProcessObjectStore(storeContext);
        this.pinners = hasGpus ? pin() : List.of();
    }

    private List<HostMemoryPinner> pin() {
        if (!(store instanceof SharedArenaStore arena)) {
            return List.of();
        }
        List<HostMemoryPinner> found = new ArrayList<>();
        for (HostMemoryPinner pinner : ServiceLoader.load(HostMemoryPinner.class)) {
            pinner.attach(arena.dataRegion());
            found.add(pinner);
        }
        return List.copyOf(found);
    }

    ObjectStore store() {
        return store;
    }

    /** The arena file other local processes map, or null when the store is private to this process. */
    Path arenaPath() {
        return store instanceof SharedArenaStore arena ? arena.path() : null;
    }

    @Override
    public void close() {
        if (store instanceof SharedArenaStore arena) {
            for (HostMemoryPinner pinner : pinners) {
                pinner.detach(arena.dataRegion()); // before the mapping goes
            }
        }
        store.close();
    }
}
