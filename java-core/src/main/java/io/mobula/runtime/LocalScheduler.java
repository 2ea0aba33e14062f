package io.mobula.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.PhasedBackoffWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.mobula.RuntimeClosedException;

/**
 * The node's local scheduler: one thread consumes a Disruptor ring of {@link SchedulerEvent}s and
 * owns every piece of scheduling state (free resources, leases, idle workers, tasks waiting for
 * arguments, actors waiting for a place), so nothing here takes a lock. Other threads publish.
 * <p>
 * What it hands out is <em>leases</em>: a worker holding one resource shape's resources, running
 * that shape's ready tasks one after another from its {@link ReadyQueue}. A task whose arguments are
 * ready goes straight into its queue from the submitting thread; the ring sees it only when no
 * leased worker is idle to take it (a KICK). So a busy node places a burst of tasks with a handful of
 * events, and a sync round trip never visits this thread. Tasks with pending ref arguments, actor
 * creations, lease returns, blocked gets and cancels all come through the ring.
 * <p>
 * Actor method calls do not come here at all: they go to the actor's mailbox, since the actor
 * already holds its place (Ray's direct actor calls).
 */
public final class LocalScheduler implements EventHandler<SchedulerEvent> {
    private final NodeResources resources;
    private final ResourceLedger ledger;
    private final WorkerPool workers;
    private final GpuAllocator gpus;
    private final Disruptor<SchedulerEvent> disruptor;
    private final RingBuffer<SchedulerEvent> ring;
    private final Map<ResourceVector, ReadyQueue> readyQueues = new ConcurrentHashMap<>();
    /**
     * How many shapes (task queues wanting leases, plus waiting actors as one) wait for resources
     * that leases hold. A leased worker gives its lease back after each task while any shape other
     * than its own waits, so no shape holds the node while another starves.
     */
    private volatile int waitingShapes;

    private final CountDownLatch shutdownHandled = new CountDownLatch(1);
    /** The thread that consumes the ring, known once it starts. */
    private volatile Thread schedulerThread;

    // Owned by the scheduler thread.
    /**
     * Events the scheduler thread raises itself while it handles one (completing a failed task wakes
     * its dependents' argument waiters, a failed actor start reports its death, ...). They cannot go
     * on the ring: with the ring full, the only thread that could make room would wait for room.
     */
    private final ArrayDeque<SchedulerEvent> raised = new ArrayDeque<>();
    private final ArrayDeque<WorkerThread> idle = new ArrayDeque<>();
    private final Set<TaskSpec> waitingForArguments = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<ResourceVector, ArrayDeque<TaskSpec>> pendingActors = new LinkedHashMap<>();
    /** Queues that want more leases, in the order they began to want: served first come, first served. */
    private final ArrayDeque<ReadyQueue> wanting = new ArrayDeque<>();
    /** Per pass of {@link #schedule}: the resources a queue ahead is short of, kept for it. */
    private final boolean[] keptForAhead;
    /** Per pass of {@link #schedule}: queues that got some of the leases they want, to go behind the others. */
    private final List<ReadyQueue> servedInPart = new ArrayList<>();
    private boolean shutdown;

    public LocalScheduler(NodeResources resources, ResourceLedger ledger, WorkerPool workers, int ringSize,
                          long spinNs, long yieldNs, ThreadFactory threads) {
        this.resources = resources;
        this.ledger = ledger;
        this.workers = workers;
        this.gpus = new GpuAllocator(resources);
        this.keptForAhead = new boolean[resources.size()];
        this.disruptor = new Disruptor<>(SchedulerEvent::new, ringSize, threads, ProducerType.MULTI,
            // The plain lock, not the "lite" one, whose elided wake-ups its authors call unproven: a lost
            // wake-up leaves a KICK unread until the next event (a task was once seen stranded so).
            PhasedBackoffWaitStrategy.withLock(spinNs, yieldNs, TimeUnit.NANOSECONDS));
        this.disruptor.handleEventsWith(this);
        this.ring = disruptor.getRingBuffer();
    }

    public void start() {
        disruptor.start();
    }

    /** Stops the scheduler thread after it has handled every event published so far. */
    public void stop(long timeoutNs) {
        publish(SchedulerEvent.Type.SHUTDOWN, null, null, null, null);
        // Waits for SHUTDOWN itself to be handled, not for Disruptor.shutdown's "no backlog": that
        // counts only a consumer already running, so a node closed as it started halted a scheduler
        // thread that had not begun, and what was queued was never failed (its gets waited for ever).
        // Past the node's shutdown timeout the scheduler thread is stuck in a handler: halted anyway.
        try {
            shutdownHandled.await(timeoutNs, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        disruptor.halt();
    }

    // ---- any thread ----

    /** Submits a task or actor creation; a task whose arguments are all ready skips the ring. */
    public void submit(TaskSpec task) {
        if (task.kind == TaskSpec.Kind.TASK && argumentsReady(task)) {
            makeReady(task);
        } else {
            publish(SchedulerEvent.Type.SUBMIT, task, null, null, null);
        }
    }

    /** Puts a task whose arguments are ready into its queue, asking for a lease if nobody idle can take it. */
    void makeReady(TaskSpec task) {
        ReadyQueue queue = queueFor(task.resources);
        if (queue.offerAndCheckNeedsLease(task)) {
            kick(queue);
        }
    }

    /** Asks the scheduler for more leases on {@code queue}; coalesced while one request is pending. */
    void kick(ReadyQueue queue) {
        if (queue.claimKick()) {
            publish(SchedulerEvent.Type.KICK, null, null, null, queue);
        }
    }

    /** @return true when a leased worker of {@code queue} should give its lease back after its task. */
    boolean shouldYieldLease(ReadyQueue queue) {
        return waitingShapes > (queue.hungry ? 1 : 0);
    }

    void leaseReturned(WorkerThread worker, ReadyQueue queue) {
        publish(SchedulerEvent.Type.LEASE_RETURNED, null, worker, null, queue);
    }

    /** A worker has been without a lease for its keep-alive time. */
    void workerIdle(WorkerThread worker) {
        publish(SchedulerEvent.Type.WORKER_IDLE, null, worker, null, null);
    }

    void argumentReady(TaskSpec task) {
        publish(SchedulerEvent.Type.ARGUMENT_READY, task, null, null, null);
    }

    void workerBlocked(TaskSpec task) {
        publish(SchedulerEvent.Type.WORKER_BLOCKED, task, null, null, null);
    }

    void workerUnblocked(TaskSpec task) {
        publish(SchedulerEvent.Type.WORKER_UNBLOCKED, task, null, null, null);
    }

    void cancelled(TaskSpec task) {
        publish(SchedulerEvent.Type.CANCEL, task, null, null, null);
    }

    void actorDead(ActorRecord actor) {
        publish(SchedulerEvent.Type.ACTOR_DEAD, null, null, actor, null);
    }

    /** How many resource shapes have a ready queue now (each drops its queue once unused). */
    int readyQueueCount() {
        return readyQueues.size();
    }

    private ReadyQueue queueFor(ResourceVector shape) {
        ReadyQueue queue = readyQueues.get(shape);
        return queue != null ? queue : readyQueues.computeIfAbsent(shape, ReadyQueue::new);
    }

    static boolean argumentsReady(TaskSpec task) {
        for (Object arg : task.args) {
            if (arg instanceof ObjectEntry entry && !entry.isReady()) {
                return false;
            }
        }
        return true;
    }

    private void publish(SchedulerEvent.Type type, TaskSpec task, WorkerThread worker, ActorRecord actor, ReadyQueue queue) {
        if (Thread.currentThread() == schedulerThread) {
            SchedulerEvent event = new SchedulerEvent();
            event.fill(type, task, worker, actor, queue);
            raised.add(event);
            return;
        }
        long sequence = ring.next();
        try {
            ring.get(sequence).fill(type, task, worker, actor, queue);
        } finally {
            ring.publish(sequence);
        }
    }

    // ---- the scheduler thread ----

    @Override
    public void onStart() {
        schedulerThread = Thread.currentThread();
    }

    @Override
    public void onEvent(SchedulerEvent event, long sequence, boolean endOfBatch) {
        handle(event);
        SchedulerEvent own;
        while ((own = raised.poll()) != null) {
            handle(own);
        }
    }

    private void handle(SchedulerEvent event) {
        TaskSpec task = event.task;
        switch (event.type) {
            case SUBMIT -> onSubmit(task);
            case ARGUMENT_READY -> {
                if (--task.unresolvedArgs == 0 && waitingForArguments.remove(task)) {
                    argumentsResolved(task);
                }
            }
            case KICK -> onKick(event.queue);
            case LEASE_RETURNED -> {
                ReadyQueue queue = event.queue;
                queue.leases--;
                ledger.release(queue.shape);
                gpus.release(event.worker.leaseGpus(), queue.shape);
                idle.push(event.worker);
                if (!queue.isEmpty()) {
                    want(queue); // work arrived while the lease was on its way back: queue up behind others
                } else {
                    retireIfUnused(queue);
                }
                schedule();
            }
            case WORKER_IDLE -> {
                // Only a worker still idle retires: one leased since it timed out keeps working.
                if (workers.canRetire() && idle.remove(event.worker)) {
                    workers.retire(event.worker);
                }
            }
            case WORKER_BLOCKED -> {
                ledger.release(task.resources.cpuPart(resources.cpuIndex()));
                schedule();
            }
            case WORKER_UNBLOCKED -> ledger.acquire(task.resources.cpuPart(resources.cpuIndex()));
            case CANCEL -> waitingForArguments.remove(task);
            case ACTOR_DEAD -> {
                ledger.release(event.actor.resources());
                gpus.release(event.actor.gpuIds(), event.actor.resources());
                schedule();
            }
            case SHUTDOWN -> {
                failEverythingQueued();
                shutdownHandled.countDown();
            }
        }
        event.clear();
    }

    private void onKick(ReadyQueue queue) {
        queue.clearKick(); // before reading the queue, so work offered from now on kicks again
        if (shutdown) {
            TaskSpec task;
            while ((task = queue.poll()) != null) {
                failClosed(task);
            }
            return;
        }
        if (readyQueues.get(queue.shape) != queue) {
            // A retired queue that a submitter still held: its work moves to the shape's queue now.
            ReadyQueue current = queueFor(queue.shape);
            TaskSpec task;
            while ((task = queue.poll()) != null) {
                current.offer(task);
            }
            queue = current;
        }
        want(queue);
        schedule();
    }

    /**
     * Drops a shape's queue from the map once nothing uses it (no task, no lease, no kick on its
     * way), so a node that has seen many shapes does not keep a queue for each. A submitter that
     * took the queue from the map just before still reaches the scheduler: with no lease there is
     * no idle worker, so its offer always kicks, and the kick moves its task to the shape's queue.
     */
    private void retireIfUnused(ReadyQueue queue) {
        if (queue.leases == 0 && !queue.hungry && queue.isUnused()) {
            readyQueues.remove(queue.shape, queue);
        }
    }

    private void onSubmit(TaskSpec task) {
        if (shutdown) {
            failClosed(task);
            return;
        }
        if (task.isCancelled()) {
            return;
        }
        int unresolved = 0;
        for (Object arg : task.args) {
            if (arg instanceof ObjectEntry entry && !entry.isReady() && entry.addWaiter(new ArgumentWaiter(this, task))) {
                unresolved++;
            }
        }
        task.unresolvedArgs = unresolved;
        if (unresolved == 0) {
            argumentsResolved(task);
        } else {
            waitingForArguments.add(task);
        }
    }

    private void argumentsResolved(TaskSpec task) {
        for (Object arg : task.args) {
            if (arg instanceof ObjectEntry entry && entry.stored() instanceof StoredValues.Failed failed) {
                // A task whose argument failed fails with that cause, without running.
                if (task.kind == TaskSpec.Kind.ACTOR_CREATION) {
                    task.actor.failCreation(failed.error());
                }
                task.result.complete(failed);
                return;
            }
        }
        if (task.kind == TaskSpec.Kind.ACTOR_CREATION) {
            pendingActors.computeIfAbsent(task.actor.placement(), k -> new ArrayDeque<>()).add(task);
        } else {
            ReadyQueue queue = queueFor(task.resources);
            queue.offer(task);
            want(queue);
        }
        schedule();
    }

    private void want(ReadyQueue queue) {
        if (!queue.hungry) {
            queue.hungry = true;
            wanting.add(queue);
        }
    }

    /**
     * Places what waits: actors first (they hold little and unblock callers), then task queues in the
     * order they began to want leases. A queue that gets some leases but wants more goes to the back,
     * behind those it was ahead of. A queue that gets none keeps the resources it is short of for
     * itself: no queue behind it that asks for any of them gets a lease in this pass, so what frees up
     * next goes to it (a large request is not starved by a stream of small ones). Queues that ask for
     * none of them go ahead (a CPU task does not wait behind one waiting for a camera).
     */
    private void schedule() {
        if (shutdown) {
            return;
        }
        startPendingActors();
        boolean[] keptForAhead = this.keptForAhead;
        Arrays.fill(keptForAhead, false);
        boolean noWorkerLeft = false;
        for (int pass = wanting.size(); pass > 0; pass--) {
            ReadyQueue queue = wanting.poll();
            if (noWorkerLeft || queue.shape.usesAny(keptForAhead)) {
                wanting.add(queue);
                continue;
            }
            int leasesBefore = queue.leases;
            Grant grant = grantLeases(queue);
            if (grant == Grant.SATISFIED) {
                queue.hungry = false;
            } else if (queue.leases > leasesBefore) {
                servedInPart.add(queue); // it had its turn: behind the others now
            } else {
                wanting.add(queue);
                switch (grant) {
                    case SHORT -> ledger.markShort(queue.shape, keptForAhead);
                    case GPUS_SPLIT -> keptForAhead[resources.gpuIndex()] = true;
                    default -> { }
                }
            }
            if (grant == Grant.WORKER_CAP) {
                noWorkerLeft = true; // no lease for anyone until one comes back
            }
        }
        wanting.addAll(servedInPart);
        servedInPart.clear();
        waitingShapes = wanting.size() + (pendingActors.isEmpty() ? 0 : 1);
    }

    /** How a queue's request for leases ended. */
    private enum Grant {
        /** It has every lease it wants. */
        SATISFIED,
        /** Some resource it asks for is not free (see {@link ResourceLedger#markShort}). */
        SHORT,
        /** The GPU units are free but split across devices. */
        GPUS_SPLIT,
        /** The pool is at its worker cap and no worker is idle. */
        WORKER_CAP
    }

    /**
     * Leases workers to {@code queue} for the work no idle leased worker will take, as resources,
     * devices and the worker cap allow.
     */
    private Grant grantLeases(ReadyQueue queue) {
        int wanted = queue.backlog() - queue.idleLeases();
        while (wanted-- > 0) {
            if (!ledger.fits(queue.shape)) {
                return Grant.SHORT;
            }
            WorkerThread worker = idle.poll();
            if (worker == null && (worker = workers.spawn()) == null) {
                return Grant.WORKER_CAP; // wait for a lease to come back
            }
            int[] devices = gpus.assign(queue.shape);
            if (devices == null) {
                idle.push(worker);
                return Grant.GPUS_SPLIT;
            }
            ledger.acquire(queue.shape);
            queue.leases++;
            worker.assign(queue, devices);
        }
        return Grant.SATISFIED;
    }

    private void startPendingActors() {
        for (Iterator<ArrayDeque<TaskSpec>> it = pendingActors.values().iterator(); it.hasNext(); ) {
            ArrayDeque<TaskSpec> queue = it.next();
            while (!queue.isEmpty() && ledger.fits(queue.peek().actor.placement())) {
                int[] devices = gpus.assign(queue.peek().actor.resources());
                if (devices == null) {
                    break;
                }
                TaskSpec creation = queue.poll();
                ledger.acquire(creation.actor.resources());
                creation.actor.start(devices);
            }
            if (queue.isEmpty()) {
                it.remove();
            }
        }
    }

    private void failEverythingQueued() {
        shutdown = true;
        List<TaskSpec> dropped = new ArrayList<>(waitingForArguments);
        waitingForArguments.clear();
        for (ArrayDeque<TaskSpec> queue : pendingActors.values()) {
            dropped.addAll(queue);
        }
        pendingActors.clear();
        for (ReadyQueue queue : readyQueues.values()) {
            TaskSpec task;
            while ((task = queue.poll()) != null) {
                dropped.add(task);
            }
        }
        for (TaskSpec task : dropped) {
            failClosed(task);
        }
    }

    private static void failClosed(TaskSpec task) {
        RuntimeClosedException closed = new RuntimeClosedException("the Mobula runtime closed before "
            + task.displayName() + " could run");
        if (task.kind == TaskSpec.Kind.ACTOR_CREATION) {
            task.actor.failCreation(closed);
        }
        task.result.complete(new StoredValues.Failed(closed));
    }

    /** Tells the scheduler when one of a task's arguments completes. */
    private static final class ArgumentWaiter extends ObjectEntry.Waiter {
        private final LocalScheduler scheduler;
        private final TaskSpec task;

        ArgumentWaiter(LocalScheduler scheduler, TaskSpec task) {
            this.scheduler = scheduler;
            this.task = task;
        }

        @Override
        void onReady(ObjectEntry entry) {
            scheduler.argumentReady(task);
        }
    }
}
