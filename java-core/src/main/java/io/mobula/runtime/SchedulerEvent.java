package io.mobula.runtime;

/**
 * A slot of the scheduler's ring. Producers fill it through {@link LocalScheduler}'s publish
 * methods; the scheduler thread reads it and clears the references so the ring holds nothing alive.
 */
final class SchedulerEvent {
    enum Type {
        /** A task with pending ref arguments, or an actor creation, to place once its arguments are ready. */
        SUBMIT,
        /** One of a waiting task's ref arguments completed. */
        ARGUMENT_READY,
        /** A ready queue has work and no idle leased worker: grant leases if resources allow. */
        KICK,
        /** A worker gave its lease back (its queue stayed empty): free the shape's resources. */
        LEASE_RETURNED,
        /** A worker has had no lease for its keep-alive time: retire it if the pool is above its core size. */
        WORKER_IDLE,
        /** A task waits in {@code get} or {@code wait}: lend its CPU to other work. */
        WORKER_BLOCKED,
        /** The task woke: take its CPU back (the node may be briefly oversubscribed). */
        WORKER_UNBLOCKED,
        /** Drop a cancelled task that waits for its arguments. */
        CANCEL,
        /** An actor died: give back what it held. */
        ACTOR_DEAD,
        /** The node closes: fail everything queued. */
        SHUTDOWN
    }

    Type type;
    TaskSpec task;
    WorkerThread worker;
    ActorRecord actor;
    ReadyQueue queue;

    void fill(Type type, TaskSpec task, WorkerThread worker, ActorRecord actor, ReadyQueue queue) {
        this.type = type;
        this.task = task;
        this.worker = worker;
        this.actor = actor;
        this.queue = queue;
    }

    void clear() {
        type = null;
        task = null;
        worker = null;
        actor = null;
        queue = null;
    }
}
