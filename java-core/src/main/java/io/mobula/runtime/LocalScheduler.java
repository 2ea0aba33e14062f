package io.mobula.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * owns every piece of scheduling state (queues, free resources, idle workers), so nothing here takes
 * a lock. Other threads only publish events.
 * <p>
 * A task waits until its ref arguments are ready, then in the queue of its resource shape until the
 * node has the resources and a worker; actor creations wait the same way and then start the actor.
 * Dispatch runs once per batch of events, so a burst of submissions is placed in one pass.
 * <p>
 * Actor method calls do not come through here: they go straight to the actor's mailbox (as Ray's
 * direct actor calls do), since the actor already holds its place.
 */
public final class LocalScheduler implements EventHandler<SchedulerEvent> {
    private final NodeResources resources;
    private final ResourceLedger ledger;
    private final WorkerPool workers;
    private final Disruptor<SchedulerEvent> disruptor;
    private final RingBuffer<SchedulerEvent> ring;

    // Owned by the scheduler thread.
    private final Map<ResourceVector, ArrayDeque<TaskSpec>> queues = new LinkedHashMap<>();
    private final ArrayDeque<WorkerThread> idle = new ArrayDeque<>();
    private final java.util.Set<TaskSpec> waitingForArguments = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    private boolean shutdown;
    private long queuedCount;

    public LocalScheduler(NodeResources resources, ResourceLedger ledger, WorkerPool workers, int ringSize,
                          long spinNs, long yieldNs, ThreadFactory threads) {
        this.resources = resources;
        this.ledger = ledger;
        this.workers = workers;
        this.disruptor = new Disruptor<>(SchedulerEvent::new, ringSize, threads, ProducerType.MULTI,
            PhasedBackoffWaitStrategy.withLiteLock(spinNs, yieldNs, TimeUnit.NANOSECONDS));
        this.disruptor.handleEventsWith(this);
        this.ring = disruptor.getRingBuffer();
    }

    public void start() {
        disruptor.start();
    }

    /** Stops the scheduler thread after it has handled every event published so far. */
    public void stop(long timeoutNs) {
        publish(SchedulerEvent.Type.SHUTDOWN, null, null, null);
        try {
            disruptor.shutdown(timeoutNs, TimeUnit.NANOSECONDS);
        } catch (com.lmax.disruptor.TimeoutException e) {
            disruptor.halt();
        }
    }

    // ---- producers (any thread) ----

    public void submit(TaskSpec task) {
        publish(SchedulerEvent.Type.SUBMIT, task, null, null);
    }

    void argumentReady(TaskSpec task) {
        publish(SchedulerEvent.Type.ARGUMENT_READY, task, null, null);
    }

    void taskDone(WorkerThread worker, TaskSpec task) {
        publish(SchedulerEvent.Type.TASK_DONE, task, worker, null);
    }

    void workerBlocked(TaskSpec task) {
        publish(SchedulerEvent.Type.WORKER_BLOCKED, task, null, null);
    }

    void workerUnblocked(TaskSpec task) {
        publish(SchedulerEvent.Type.WORKER_UNBLOCKED, task, null, null);
    }

    void cancelled(TaskSpec task) {
        publish(SchedulerEvent.Type.CANCEL, task, null, null);
    }

    void actorDead(ActorRecord actor) {
        publish(SchedulerEvent.Type.ACTOR_DEAD, null, null, actor);
    }

    private void publish(SchedulerEvent.Type type, TaskSpec task, WorkerThread worker, ActorRecord actor) {
        long sequence = ring.next();
        try {
            SchedulerEvent event = ring.get(sequence);
            event.type = type;
            event.task = task;
            event.worker = worker;
            event.actor = actor;
        } finally {
            ring.publish(sequence);
        }
    }

    // ---- the scheduler thread ----

    @Override
    public void onEvent(SchedulerEvent event, long sequence, boolean endOfBatch) {
        TaskSpec task = event.task;
        switch (event.type) {
            case SUBMIT -> onSubmit(task);
            case ARGUMENT_READY -> {
                if (--task.unresolvedArgs == 0 && waitingForArguments.remove(task)) {
                    enqueue(task);
                }
            }
            case TASK_DONE -> {
                ledger.release(task.cpuLent ? withoutCpu(task) : task.resources);
                task.cpuLent = false;
                idle.push(event.worker);
            }
            case WORKER_BLOCKED -> {
                task.cpuLent = true;
                ledger.release(task.resources.cpuPart(resources.cpuIndex()));
            }
            case WORKER_UNBLOCKED -> {
                if (task.cpuLent) {
                    task.cpuLent = false;
                    ledger.acquire(task.resources.cpuPart(resources.cpuIndex()));
                }
            }
            case CANCEL -> {
                waitingForArguments.remove(task);
                ArrayDeque<TaskSpec> queue = queues.get(shapeOf(task));
                if (queue != null && queue.remove(task)) {
                    queuedCount--;
                }
            }
            case ACTOR_DEAD -> ledger.release(event.actor.resources());
            case SHUTDOWN -> failEverythingQueued();
        }
        event.clear();
        if (endOfBatch && queuedCount > 0 && !shutdown) {
            dispatch();
        }
    }

    private ResourceVector withoutCpu(TaskSpec task) {
        long[] units = task.resources.unitsView().clone();
        units[resources.cpuIndex()] = 0;
        return new ResourceVector(units);
    }

    private void onSubmit(TaskSpec task) {
        if (shutdown) {
            task.result.complete(new StoredValues.Failed(new RuntimeClosedException("the Mobula runtime closed before "
                + task.displayName() + " could run")));
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
            enqueue(task);
        } else {
            waitingForArguments.add(task);
        }
    }

    private void enqueue(TaskSpec task) {
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
        queues.computeIfAbsent(shapeOf(task), k -> new ArrayDeque<>()).add(task);
        queuedCount++;
    }

    /** An actor is placed by its placement shape (one CPU by default) but holds only its resources. */
    private static ResourceVector shapeOf(TaskSpec task) {
        return task.kind == TaskSpec.Kind.ACTOR_CREATION ? task.actor.placement() : task.resources;
    }

    private void dispatch() {
        for (Iterator<Map.Entry<ResourceVector, ArrayDeque<TaskSpec>>> it = queues.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<ResourceVector, ArrayDeque<TaskSpec>> e = it.next();
            ResourceVector shape = e.getKey();
            ArrayDeque<TaskSpec> queue = e.getValue();
            while (!queue.isEmpty() && ledger.fits(shape)) {
                TaskSpec task = queue.peek();
                if (task.kind == TaskSpec.Kind.ACTOR_CREATION) {
                    queue.poll();
                    queuedCount--;
                    ledger.acquire(task.actor.resources());
                    task.actor.start();
                    continue;
                }
                WorkerThread worker = idle.poll();
                if (worker == null) {
                    worker = workers.spawn();
                    if (worker == null) {
                        return; // at the worker cap: wait for one to come back
                    }
                }
                queue.poll();
                queuedCount--;
                ledger.acquire(task.resources);
                worker.assign(task);
            }
            if (queue.isEmpty() && queues.size() > 8) {
                it.remove(); // keep the map small when many shapes come and go
            }
        }
    }

    private void failEverythingQueued() {
        shutdown = true;
        List<TaskSpec> dropped = new ArrayList<>();
        for (ArrayDeque<TaskSpec> queue : queues.values()) {
            dropped.addAll(queue);
            queue.clear();
        }
        queuedCount = 0;
        dropped.addAll(waitingForArguments);
        waitingForArguments.clear();
        for (TaskSpec task : dropped) {
            RuntimeClosedException closed = new RuntimeClosedException("the Mobula runtime closed before "
                + task.displayName() + " could run");
            if (task.kind == TaskSpec.Kind.ACTOR_CREATION) {
                task.actor.failCreation(closed);
            }
            task.result.complete(new StoredValues.Failed(closed));
        }
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
