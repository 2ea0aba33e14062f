package io.mobula.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * The node's worker threads. The scheduler thread asks for a new worker when every existing one is
 * busy and resources allow another task (fractional CPUs, tasks lending their CPU while they wait in
 * {@code get}); the pool grows up to {@code maxWorkers} and keeps its threads until the node stops.
 */
public final class WorkerPool {
    private final TaskExecutor executor;
    private final Idler idler;
    private final int maxWorkers;
    private final String namePrefix;
    private final List<WorkerThread> all = new ArrayList<>();
    private LocalScheduler scheduler;

    public WorkerPool(TaskExecutor executor, Idler idler, int maxWorkers, String namePrefix) {
        this.executor = executor;
        this.idler = idler;
        this.maxWorkers = maxWorkers;
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
            WorkerThread worker = new WorkerThread(namePrefix + all.size(), executor, scheduler, idler);
            all.add(worker);
            worker.start();
            return worker;
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
