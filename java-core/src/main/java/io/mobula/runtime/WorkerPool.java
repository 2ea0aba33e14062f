package io.mobula.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * The node's worker threads. The scheduler thread asks for a new worker when every existing one is
 * busy and resources allow another task (fractional CPUs, tasks lending their CPU while they wait in
 * {@code get}); the pool grows up to {@code maxWorkers}. Workers above the core size retire after
 * a keep-alive without a lease, so a burst of blocked tasks does not leave hundreds of threads.
 */
public final class WorkerPool {
    private final TaskExecutor executor;
    private final Idler idler;
    private final int coreWorkers;
    private final int maxWorkers;
    private final long keepAliveNs;
    private final String namePrefix;
    private final List<WorkerThread> all = new ArrayList<>();
    /** Numbers the threads' names; never reused, so a retired worker's name stays its own in traces. */
    private int spawned;
    private LocalScheduler scheduler;

    /**
     * @param coreWorkers how many workers stay however long they idle (the node's CPUs, say).
     * @param keepAliveNs how long one beyond those stays without a lease.
     */
    public WorkerPool(TaskExecutor executor, Idler idler, int coreWorkers, int maxWorkers, long keepAliveNs, String namePrefix) {
        if (coreWorkers < 1 || coreWorkers > maxWorkers) {
            throw new IllegalArgumentException("coreWorkers must be between 1 and maxWorkers (" + maxWorkers + "), got "
                + coreWorkers);
        }
        this.executor = executor;
        this.idler = idler;
        this.coreWorkers = coreWorkers;
        this.maxWorkers = maxWorkers;
        this.keepAliveNs = keepAliveNs;
        this.namePrefix = namePrefix;
    }

    void scheduler(LocalScheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** Called on the scheduler thread only. @return a new started worker, or null at the cap. */
    WorkerThread spawn() {
        synchronized (all) {
            if (all.size() >= maxWorkers) {
                return null;
            }
            WorkerThread worker = new WorkerThread(namePrefix + spawned++, executor, scheduler, idler, keepAliveNs);
            all.add(worker);
            worker.start();
            return worker;
        }
    }

    /** Scheduler thread: whether the pool is above its core size. */
    boolean canRetire() {
        synchronized (all) {
            return all.size() > coreWorkers;
        }
    }

    /** Scheduler thread: ends an idle worker (it holds no lease) and forgets it. */
    void retire(WorkerThread worker) {
        synchronized (all) {
            all.remove(worker);
        }
        worker.stop();
    }

    /** How many worker threads the pool has now. */
    public int size() {
        synchronized (all) {
            return all.size();
        }
    }

    /** Stops every worker, interrupting running tasks, and waits up to {@code timeoutMs} for each. */
    public void stop(long timeoutMs) {
        List<WorkerThread> workers;
        synchronized (all) {
            workers = new ArrayList<>(all);
        }
        for (WorkerThread worker : workers) {
            worker.stop();
        }
        long deadline = System.currentTimeMillis() + timeoutMs;
        for (WorkerThread worker : workers) {
            worker.join(Math.max(1, deadline - System.currentTimeMillis()));
        }
    }
}
