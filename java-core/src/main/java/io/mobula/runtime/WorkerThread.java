package io.mobula.runtime;

import java.util.concurrent.TimeUnit;

/**
 * A worker: a thread that, while it holds a lease on a {@link ReadyQueue}, runs that queue's tasks
 * one after another. When the queue stays empty for the idler's spin time it gives the lease back
 * and parks until the scheduler leases it again.
 */
final class WorkerThread implements Runnable {
    private static final long MAX_PARK_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Thread thread;
    private final TaskExecutor executor;
    private final LocalScheduler scheduler;
    private final Idler idler;
    private final Idler.Doorbell doorbell;
    private volatile ReadyQueue lease;
    /** The GPUs of the current lease; written by the scheduler before the lease, read by both. */
    private int[] leaseGpus = GpuAllocator.NONE;
    private volatile boolean stopping;

    WorkerThread(String name, TaskExecutor executor, LocalScheduler scheduler, Idler idler) {
        this.executor = executor;
        this.scheduler = scheduler;
        this.idler = idler;
        this.doorbell = idler.doorbell();
        this.thread = new Thread(this, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Scheduler thread only; the worker holds no lease now. */
    void assign(ReadyQueue queue, int[] gpus) {
        leaseGpus = gpus;
        lease = queue; // the volatile write publishes leaseGpus too
        doorbell.ring();
    }

    /** Scheduler thread: the devices of the lease being returned. */
    int[] leaseGpus() {
        return leaseGpus;
    }

    void stop() {
        stopping = true;
        thread.interrupt();
        doorbell.ring();
    }

    void join(long timeoutMs) {
        try {
            thread.join(timeoutMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        executor.enterWorker();
        while (!stopping) {
            ReadyQueue queue = lease;
            if (queue == null) {
                doorbell.await(this::hasLeaseOrStop, MAX_PARK_NS);
                continue;
            }
            lease = null;
            ExecutionContext.current().gpuIds = leaseGpus;
            runLease(queue);
            ExecutionContext.current().gpuIds = GpuAllocator.NONE;
            if (stopping) {
                return;
            }
            scheduler.leaseReturned(this, queue);
        }
    }

    /** Runs the queue's tasks until it stays empty (or others need the resources); then returns. */
    private void runLease(ReadyQueue queue) {
        while (!stopping) {
            TaskSpec task = queue.poll();
            if (task == null) {
                task = awaitTask(queue);
                if (task == null) {
                    return;
                }
            }
            if (queue.needsLease()) {
                scheduler.kick(queue); // more queued than idle hands: ask for another lease
            }
            if (executor.execute(task)) {
                scheduler.makeReady(task); // a retry: it keeps its place in the shape's queue
            }
            if (scheduler.shouldYieldLease(queue)) {
                if (!queue.isEmpty()) {
                    scheduler.kick(queue);
                }
                return;
            }
        }
    }

    /**
     * Waits briefly, as an idle lease holder, for the next task. Leaving idle comes before the last
     * poll, so a submitter who saw this worker idle is always either served or asks for a lease.
     */
    private TaskSpec awaitTask(ReadyQueue queue) {
        queue.enterIdle();
        long spinUntil = System.nanoTime() + idler.spinBeforeParkNs();
        int step = 0;
        TaskSpec task = null;
        while (!stopping && System.nanoTime() - spinUntil < 0 && (task = queue.poll()) == null) {
            idler.spin(step++);
        }
        queue.leaveIdle();
        if (task == null) {
            task = queue.poll();
        }
        return task;
    }

    private boolean hasLeaseOrStop() {
        return lease != null || stopping;
    }
}
