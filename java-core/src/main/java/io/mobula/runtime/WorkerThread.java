package io.mobula.runtime;

/**
 * A worker: a thread that, while it holds a lease on a {@link ReadyQueue}, runs that queue's tasks
 * one after another. When the queue stays empty for the idler's spin time it gives the lease back
 * and parks until the scheduler leases it again. It parks without a timer (the scheduler's lease
 * and {@link #stop} both ring its doorbell), except once: after its pool's keep-alive without a
 * lease it offers to retire, and the scheduler retires it if the pool is above its core size.
 */
final class WorkerThread implements Runnable {
    private final Thread thread;
    private final TaskExecutor executor;
    private final LocalScheduler scheduler;
    private final Idler idler;
    private final Idler.Doorbell doorbell;
    private volatile ReadyQueue lease;
    /** The GPUs of the current lease; written by the scheduler before the lease, read by both. */
    private int[] leaseGpus = GpuAllocator.NONE;
    private volatile boolean stopping;

    private final long keepAliveNs;

    WorkerThread(String name, TaskExecutor executor, LocalScheduler scheduler, Idler idler, long keepAliveNs) {
        this.keepAliveNs = keepAliveNs;
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
        long idleSince = System.nanoTime();
        boolean offeredToRetire = false;
        while (!stopping) {
            ReadyQueue queue = lease;
            if (queue == null) {
                long parkNs = offeredToRetire ? Long.MAX_VALUE : keepAliveNs - (System.nanoTime() - idleSince);
                if (parkNs <= 0) {
                    offeredToRetire = true;
                    scheduler.workerIdle(this);
                } else {
                    doorbell.await(this::hasLeaseOrStop, parkNs);
                }
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
            idleSince = System.nanoTime();
            offeredToRetire = false;
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
        if (task != null) {
            queue.leaveIdle();
            return task;
        }
        return queue.leaveIdleAndPoll();
    }

    private boolean hasLeaseOrStop() {
        return lease != null || stopping;
    }
}
