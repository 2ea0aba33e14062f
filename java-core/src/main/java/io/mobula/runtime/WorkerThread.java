package io.mobula.runtime;

import java.util.concurrent.TimeUnit;

/**
 * A worker: a thread that runs one task at a time, handed to it by the scheduler thread. It spins
 * briefly after each task (the next one usually follows at once), then parks until the next
 * assignment rings its doorbell.
 */
final class WorkerThread implements Runnable {
    private static final long MAX_PARK_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Thread thread;
    private final TaskExecutor executor;
    private final LocalScheduler scheduler;
    private final Idler.Doorbell doorbell;
    private volatile TaskSpec assigned;
    private volatile boolean stopping;

    WorkerThread(String name, TaskExecutor executor, LocalScheduler scheduler, Idler idler) {
        this.executor = executor;
        this.scheduler = scheduler;
        this.doorbell = idler.doorbell();
        this.thread = new Thread(this, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Scheduler thread only; the worker is idle (it has none assigned). */
    void assign(TaskSpec task) {
        assigned = task;
        doorbell.ring();
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
            TaskSpec task = assigned;
            if (task == null) {
                doorbell.await(this::hasWork, MAX_PARK_NS);
                continue;
            }
            assigned = null;
            boolean retry = executor.execute(task);
            if (stopping) {
                return;
            }
            scheduler.taskDone(this, task);
            if (retry) {
                scheduler.submit(task);
            }
        }
    }

    private boolean hasWork() {
        return assigned != null || stopping;
    }
}
