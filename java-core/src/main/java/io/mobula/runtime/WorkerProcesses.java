package io.mobula.runtime;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.mobula.NodeContext;
import io.mobula.RuntimeClosedException;
import io.mobula.worker.WorkerProcessPool;

/**
 * A node's worker processes for isolated tasks and actors: the pool (its transport, and a first
 * worker) starts at the first isolated use, or with the node when {@code NodeContext.isolatedWorkers(n)}
 * asks for {@code n}; closed once, with the node.
 */
final class WorkerProcesses implements AutoCloseable {
    private final NodeContext context;
    private volatile WorkerProcessPool pool;
    private boolean closed;

    WorkerProcesses(NodeContext context) {
        this.context = context;
    }

    /** The pool, started now if it is not yet. @throws RuntimeClosedException once closed. */
    WorkerProcessPool pool() {
        WorkerProcessPool started = pool;
        if (started != null) {
            return started;
        }
        synchronized (this) {
            if (closed) {
                throw new RuntimeClosedException("this Mobula runtime is closed; start a new one with Mobula.init()");
            }
            if (pool == null) {
                int n = context.isolatedWorkers();
                pool = new WorkerProcessPool(Math.max(1, n), n, TimeUnit.NANOSECONDS.toMillis(context.shutdownTimeoutNs()));
            }
            return pool;
        }
    }

    /** The pids of the worker processes alive now (empty before the first isolated use). */
    List<Long> pids() {
        WorkerProcessPool started = pool;
        return started == null ? List.of() : started.pids();
    }

    /** Calls in flight in the workers fail; the threads waiting on them finish. */
    @Override
    public void close() {
        WorkerProcessPool started;
        synchronized (this) {
            closed = true;
            started = pool;
        }
        if (started != null) {
            started.close();
        }
    }
}
