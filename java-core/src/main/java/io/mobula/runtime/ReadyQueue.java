package io.mobula.runtime;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The tasks of one resource shape (Ray's scheduling class) whose arguments are ready, and the
 * workers leased to run them.
 * <p>
 * A lease is a worker holding the shape's resources: it takes task after task from this queue with
 * no trip through the scheduler, and gives the lease back once the queue stays empty for a moment.
 * Submitters put a task here directly and call the scheduler only when no leased worker is idle to
 * take it ({@link #needsLease()}), as Ray's core worker submits to leased workers.
 * <p>
 * Hand-off without loss: a submitter offers, then reads {@code idleLeases}; a worker about to give up
 * its lease first leaves {@code idleLeases}, then polls once more. One of the two always sees the
 * other, so a task is never left with nobody to run it or ask for a lease ({@link
 * #offerAndCheckNeedsLease}, {@link #leaveIdleAndPoll}; model checked in HandOffModelCheckTest).
 */
final class ReadyQueue {
    final ResourceVector shape;
    private final ConcurrentLinkedQueue<TaskSpec> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger backlog = new AtomicInteger();
    private final AtomicInteger idleLeases = new AtomicInteger();
    private final AtomicBoolean kickPending = new AtomicBoolean();

    /** Leases granted and not yet returned; scheduler thread only. */
    int leases;
    /** Written by the scheduler: this queue is in line for more leases. */
    volatile boolean hungry;

    ReadyQueue(ResourceVector shape) {
        this.shape = shape;
    }

    void offer(TaskSpec task) {
        tasks.offer(task);
        backlog.incrementAndGet();
    }

    /**
     * A submitter's half of the hand-off: offers, then looks for an idle leased worker.
     *
     * @return true if none will take it: the caller must ask the scheduler for a lease.
     */
    boolean offerAndCheckNeedsLease(TaskSpec task) {
        offer(task);
        return needsLease();
    }

    /**
     * An idle worker's half of the hand-off, as it gives up: leaves idle first, then polls once
     * more, so a task offered by a submitter who counted it idle is taken here.
     *
     * @return the task to run, or null: the worker may give its lease back.
     */
    TaskSpec leaveIdleAndPoll() {
        idleLeases.decrementAndGet();
        return poll();
    }

    /** @return the next task, or null if none is queued. */
    TaskSpec poll() {
        TaskSpec task = tasks.poll();
        if (task != null) {
            backlog.decrementAndGet();
        }
        return task;
    }

    /** Tasks queued, approximately (exact when nobody is offering or polling). */
    int backlog() {
        return backlog.get();
    }

    boolean isEmpty() {
        return tasks.isEmpty();
    }

    /** @return true when queued work has no idle leased worker to take it: ask for a lease. */
    boolean needsLease() {
        return idleLeases.get() < backlog.get();
    }

    int idleLeases() {
        return idleLeases.get();
    }

    void enterIdle() {
        idleLeases.incrementAndGet();
    }

    /** Leaves idle with a task in hand. */
    void leaveIdle() {
        idleLeases.decrementAndGet();
    }

    /** @return true if the caller should publish a kick (none is pending already). */
    boolean claimKick() {
        return !kickPending.get() && kickPending.compareAndSet(false, true);
    }

    /** @return true when no task is queued and no kick is on its way (the queue may be dropped). */
    boolean isUnused() {
        return tasks.isEmpty() && !kickPending.get();
    }

    /** Scheduler thread, on handling a kick: later needs publish a new one. */
    void clearKick() {
        kickPending.set(false);
    }

    @Override
    public String toString() {
        return "ReadyQueue{" + shape + ", backlog=" + backlog.get() + ", idle=" + idleLeases.get() + ", leases=" + leases + "}";
    }
}
