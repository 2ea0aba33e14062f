package io.mobula.runtime;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import io.mobula.ActorDiedException;
import io.mobula.MobulaException;
import io.mobula.spi.ActorState;
import io.mobula.worker.IsolatedActor;

/**
 * One actor on this node: its instance, its mailbox of method calls, and the thread(s) that run
 * them. Calls run in mailbox order on one thread, or on up to {@code maxConcurrency} threads at once.
 * With concurrency groups the mailbox has one lane per group ({@link ConcurrencyGroups}): each lane
 * its own queue and threads, so one group's calls never wait behind another's.
 * <p>
 * Life: PENDING (queued for placement) -> ALIVE (constructor returned) -> DEAD (killed, constructor
 * failed, or a method threw an {@link Error} with no restarts left). A method that throws an
 * {@code Error} marks the instance's state as unknown: while restarts are left the constructor runs
 * again and the following calls see the fresh instance. Once DEAD, every queued and later call fails
 * with the cause of death.
 */
public final class ActorRecord implements ActorState {
    enum State { PENDING, ALIVE, RESTARTING, DEAD }

    private final long id;
    private final String name;
    /** The namespace its name is unique in (the job's unless its creation said another). */
    private final String namespace;
    private final TaskSpec creation;
    private final ResourceVector placement;
    private final ResourceVector resources;
    private final int maxRestarts;
    private final boolean detached;
    private final int maxConcurrency;
    private final NodeRuntime runtime;
    /** The mailbox: one queue per concurrency group's lane (lane 0: the default group). */
    private final ConcurrentLinkedQueue<TaskSpec>[] mailbox;
    private final ConcurrencyGroups groups;
    /** The lane each of {@link #threads} takes its calls from. */
    private final int[] laneOfThread;
    /** How its calls run: here, or sent to the node it lives on. */
    private final ActorCalls calls;
    /**
     * The instance whose node died under a call (a system failure; a connected driver's actor); the
     * actor's thread restarts it (or the actor dies) before it sends anything more.
     */
    private volatile Object lostInstance;
    private final Idler.Doorbell[] doorbells;
    private final Thread[] threads;

    private volatile State state = State.PENDING;
    private volatile Object instance;
    private final List<Runnable> deathCallbacks = new CopyOnWriteArrayList<>();
    private volatile MobulaException deathCause;
    private volatile boolean started;
    private final AtomicBoolean resourcesReturned = new AtomicBoolean();
    private int restarts;
    /** Times the actor was built before this record on other nodes (a connected driver's actor whose node died). */
    private volatile int earlierBuilds;
    /** The job it belongs to, or null: its node's own. */
    private volatile String jobId;
    private volatile int[] gpuIds = GpuAllocator.NONE;
    /**
     * A kill that restarts ({@link #killForRestart}) cleared the instance: the first of the actor's
     * threads free to do it builds it again. Guarded by this.
     */
    private boolean restartPending;
    /** The instance such a kill ended last, and why its calls still running fail; null if none. */
    private volatile KilledInstance killed;
    /**
     * The method that called {@code exitActor()}, or null: once set no call starts any more, and the
     * actor ends once that call's result is out.
     */
    private volatile String exiting;

    /** An instance a kill ended while calls ran on it: they fail with {@code cause}, whatever they return. */
    private record KilledInstance(Object instance, ActorDiedException cause) {
    }

    ActorRecord(long id, String name, String namespace, TaskSpec creation, ResourceVector placement, ResourceVector resources,
                int maxRestarts, int maxConcurrency, ConcurrencyGroups groups, boolean detached, NodeRuntime runtime,
                Idler idler) {
        this.id = id;
        this.namespace = namespace;
        this.detached = detached;
        this.name = name;
        this.creation = creation;
        this.placement = placement;
        this.resources = resources;
        this.maxRestarts = maxRestarts;
        this.maxConcurrency = maxConcurrency;
        this.runtime = runtime;
        this.groups = groups;
        int threadCount = groups.totalThreads();
        this.doorbells = new Idler.Doorbell[threadCount];
        this.threads = new Thread[threadCount];
        this.laneOfThread = new int[threadCount];
        @SuppressWarnings("unchecked")
        ConcurrentLinkedQueue<TaskSpec>[] lanes = new ConcurrentLinkedQueue[groups.lanes()];
        this.mailbox = lanes;
        for (int lane = 0, thread = 0; lane < groups.lanes(); lane++) {
            mailbox[lane] = new ConcurrentLinkedQueue<>();
            for (int i = 0; i < groups.threads(lane); i++) {
                laneOfThread[thread++] = lane;
            }
        }
        for (int i = 0; i < threadCount; i++) {
            doorbells[i] = idler.doorbell();
        }
        this.calls = runtime.site().callsFor(this);
    }

    public long id() {
        return id;
    }

    /** The actor's name, or null if it has none. */
    public String name() {
        return name;
    }

    /** The namespace its name is unique in. */
    public String namespace() {
        return namespace;
    }

    /** {@code Class::new} of the constructor, for messages. */
    public String displayName() {
        return creation.displayName();
    }

    /** The class the constructor makes, binary name. */
    public String actorClassName() {
        return creation.descriptor.className();
    }

    public boolean isAlive() {
        return state == State.ALIVE || state == State.RESTARTING;
    }

    public boolean isDead() {
        return state == State.DEAD;
    }

    /** How many times the constructor has re-run after a fatal error. */
    public synchronized int restarts() {
        return restarts;
    }

    /**
     * Says this actor was built {@code times} times before, elsewhere: its owner builds it again
     * here because the node it lived on died. Read by the runtime context.
     */
    public void builtBefore(int times) {
        earlierBuilds = times;
    }

    void job(String jobId) {
        this.jobId = jobId;
    }

    /** The job it belongs to, or null: its node's own. */
    String jobId() {
        return jobId;
    }

    /** Whether this actor's instance was built again after one failed, here or on a node that died. */
    boolean wasRestarted() {
        return earlierBuilds > 0 || restarts() > 0;
    }

    /** @return true exactly once, for the caller that gives the actor's resources back. */
    boolean claimResourceReturn() {
        return resourcesReturned.compareAndSet(false, true);
    }

    ResourceVector placement() {
        return placement;
    }

    ResourceVector resources() {
        return resources;
    }

    TaskSpec creation() {
        return creation;
    }

    /** The GPUs the actor holds for its life (empty if none). */
    int[] gpuIds() {
        return gpuIds;
    }

    /** Scheduler thread: the node has placed the actor and holds its resources; start its threads. */
    void start(int[] gpus) {
        gpuIds = gpus;
        started = true;
        for (int i = 0; i < threads.length; i++) {
            int index = i;
            String lane = laneOfThread[i] == ConcurrencyGroups.DEFAULT_LANE ? "" : "-" + groups.name(laneOfThread[i]);
            threads[i] = new Thread(() -> run(index), "mobula-actor-" + id + "-" + creation.descriptor.displayName() + lane
                + (threads.length > 1 ? "-" + i : ""));
            threads[i].setDaemon(true);
        }
        if (state == State.DEAD) {
            runtime.actorDied(this, true);
            return;
        }
        for (Thread t : threads) {
            t.start();
        }
    }

    /**
     * Queues a method call; fails it at once if the actor is dead. Where its calls are sent elsewhere,
     * one may be sent from the calling thread instead (see {@link ActorCalls#trySendNow}).
     */
    void submit(TaskSpec call) {
        if (state == State.DEAD) {
            call.result.complete(new StoredValues.Failed(deathCause));
            return;
        }
        if (state == State.ALIVE && calls.trySendNow(call)) {
            return;
        }
        mailbox[call.actorLane].offer(call);
        for (Idler.Doorbell doorbell : doorbells) {
            doorbell.ring();
        }
        if (state == State.DEAD) {
            drain(); // raced with a death: make sure the call is not stranded
        }
    }

    /** Kills the actor: queued and running calls fail with {@code cause}; idempotent. */
    public int maxRestarts() {
        return maxRestarts;
    }

    /** Whether it outlives the connected driver that made it (else it ends with the driver's session). */
    public boolean detached() {
        return detached;
    }

    public int maxConcurrency() {
        return maxConcurrency;
    }

    /** Runs {@code callback} when the actor dies (at once if it has). */
    public void onDeath(Runnable callback) {
        synchronized (this) {
            if (state != State.DEAD) {
                deathCallbacks.add(callback);
                return;
            }
        }
        callback.run();
    }

    /** What stands for the instance on this node (a connected driver's: where the actor lives); null until built. */
    public Object instance() {
        return instance;
    }

    void kill(MobulaException cause) {
        if (markDead(cause)) {
            for (Thread t : threads) {
                if (t != null && t != Thread.currentThread()) {
                    t.interrupt();
                }
            }
            drain();
        }
    }

    /** The creation could not run (an argument failed, the node closed): the actor never lives. */
    void failCreation(MobulaException cause) {
        markDead(new ActorDiedException("actor " + displayName() + " was never created: " + cause.getMessage(), cause));
        drain();
    }

    private boolean markDead(MobulaException cause) {
        synchronized (this) {
            if (state == State.DEAD) {
                return false;
            }
            deathCause = cause;
            state = State.DEAD;
            notifyAll();
        }
        if (instance instanceof IsolatedActor worker) {
            worker.stop(); // its process holds nothing else
        }
        creation.result.complete(new StoredValues.Failed(cause));
        runtime.actorDied(this, started);
        for (Runnable callback : deathCallbacks) {
            callback.run();
        }
        for (Idler.Doorbell doorbell : doorbells) {
            doorbell.ring();
        }
        return true;
    }

    private void drain() {
        for (ConcurrentLinkedQueue<TaskSpec> lane : mailbox) {
            TaskSpec call;
            while ((call = lane.poll()) != null) {
                call.result.complete(new StoredValues.Failed(deathCause));
            }
        }
        calls.failInFlight(deathCause);
    }

    private void run(int index) {
        ExecutionContext.enterActor(runtime, this, gpuIds);
        if (index == 0) {
            construct(false);
        }
        while (true) {
            if (state == State.DEAD) {
                drain();
                return;
            }
            if (claimRestart()) {
                runtime.site().actorRestarting();
                construct(true);
                continue;
            }
            if (state != State.ALIVE && !awaitAlive()) {
                continue;
            }
            Object lost = claimLostInstance();
            if (lost != null) {
                nodeDied(lost);
                continue;
            }
            int lane = laneOfThread[index];
            TaskSpec call = calls.take(lane);
            if (call == null) {
                doorbells[index].await(() -> hasWorkOrDied(lane), Long.MAX_VALUE); // every change that needs a thread rings
                Thread.interrupted(); // a kill's interrupt is read from the state above
                continue;
            }
            try {
                calls.run(call);
            } finally {
                calls.taken();
                Thread.interrupted(); // a cancel or a kill meant for that call, which is over: not for the next
            }
        }
    }

    /** The next queued call of {@code lane}; none once the actor is exiting. */
    TaskSpec pollMailbox(int lane) {
        return exiting != null ? null : mailbox[lane].poll();
    }

    boolean mailboxIsEmpty() {
        for (ConcurrentLinkedQueue<TaskSpec> lane : mailbox) {
            if (!lane.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The lane a call of {@code method} goes to: the concurrency group {@code group} names, else the
     * method's group, else the default one.
     *
     * @throws IllegalArgumentException if the actor has no group called {@code group}.
     */
    int laneOf(io.mobula.naming.FunctionDescriptor method, String group) {
        return groups.laneOf(method, group, this::displayName); // named only in the error: a string per call cost 20%
    }

    /** Its concurrency groups (the default one alone unless it declared others). */
    public ConcurrencyGroups concurrencyGroups() {
        return groups;
    }

    /** The concurrency group a call of this actor was queued in, by name; null for the default group. */
    public String concurrencyGroupOf(TaskSpec call) {
        return call.actorLane == ConcurrencyGroups.DEFAULT_LANE ? null : groups.name(call.actorLane);
    }

    /** Alive with its instance in place: a call may go to it now. */
    boolean takesCallsNow() {
        return state == State.ALIVE && lostInstance == null;
    }

    /** Why it died; null while it lives. */
    MobulaException deathCause() {
        return deathCause;
    }

    /**
     * A call to run again, through the mailbox and the actor's thread. Never sent from here: this may
     * be a connected driver's reader thread, which must not wait to send (the sender may be waiting
     * for answers that only this thread delivers).
     */
    void requeue(TaskSpec call) {
        mailbox[call.actorLane].offer(call);
        for (Idler.Doorbell doorbell : doorbells) {
            doorbell.ring();
        }
        if (state == State.DEAD) {
            drain();
        }
    }

    /**
     * Whether an idle thread has something to do: a call it may take (none once the actor is
     * exiting: it ends instead, and that rings), or a change of state or instance to act on.
     */
    private boolean hasWorkOrDied(int lane) {
        return (exiting == null && !mailbox[lane].isEmpty()) || state != State.ALIVE || lostInstance != null;
    }

    /**
     * Waits while another thread constructs or restarts the instance (a restart no thread has
     * claimed yet is this one's to do). @return true if ALIVE.
     */
    private synchronized boolean awaitAlive() {
        while ((state == State.PENDING || state == State.RESTARTING) && !restartPending) {
            try {
                wait(); // every way out of PENDING and RESTARTING (ALIVE, DEAD, a restart to claim) notifies
            } catch (InterruptedException e) {
                // a kill: the loop re-reads the state
            }
        }
        return state == State.ALIVE;
    }

    /**
     * The instance a call taken from the mailbox runs on: waits while the actor is being built or
     * rebuilt (after a sibling call's fatal error, or a kill that restarts), building it here if a
     * restart is waiting for a thread. An actor thread's call never sees the instance missing.
     *
     * @return the instance, or null if the actor died meanwhile ({@link #deathCause()} says why).
     */
    Object awaitInstance() {
        while (true) {
            if (state == State.ALIVE) { // the usual case, without a lock: set before ALIVE, read after it
                Object current = instance;
                if (current != null) {
                    return current;
                }
            }
            if (claimRestart()) {
                runtime.site().actorRestarting();
                construct(true);
                continue;
            }
            synchronized (this) {
                if (state == State.DEAD) {
                    return null;
                }
                if (state == State.ALIVE) {
                    return instance;
                }
                try {
                    wait(100);
                } catch (InterruptedException e) {
                    // a kill: the loop re-reads the state
                }
            }
        }
    }

    /** @return true for the one thread that is to build the instance again after a kill that restarts. */
    private boolean claimRestart() {
        if (state != State.RESTARTING) {
            return false; // read without the lock: a restart pending is RESTARTING, and each call asks
        }
        synchronized (this) {
            if (!restartPending || state != State.RESTARTING) {
                return false;
            }
            restartPending = false;
        }
        Thread.interrupted(); // the kill interrupted the calls on the old instance, not the constructor
        return true;
    }

    /**
     * Kills the instance and has it built again (Ray's {@code kill(actor, no_restart=False)}): calls
     * running on it are interrupted and fail with {@code inFlight}; queued and later calls run on the
     * new instance, built by the first of the actor's threads that is free. An isolated actor's
     * worker process is stopped. A call that ignores the interrupt keeps its thread until it returns.
     *
     * @return false if no restarts are left (maxRestarts): the caller kills the actor for good.
     */
    boolean killForRestart(ActorDiedException inFlight) {
        Object old;
        synchronized (this) {
            if (state == State.DEAD || state == State.PENDING || (state == State.RESTARTING)) {
                return state != State.DEAD; // being built: what comes is a fresh instance already
            }
            if (restarts >= maxRestarts) {
                return false;
            }
            restarts++;
            old = instance;
            killed = new KilledInstance(old, inFlight);
            instance = null;
            state = State.RESTARTING;
            restartPending = true;
            // under the lock, so no thread claims the restart before its interrupt is delivered
            for (Thread t : threads) {
                if (t != null && t != Thread.currentThread()) {
                    t.interrupt();
                }
            }
            notifyAll();
        }
        if (old instanceof IsolatedActor worker) {
            worker.stop();
        }
        for (Idler.Doorbell doorbell : doorbells) {
            doorbell.ring();
        }
        return true;
    }

    /** Why a call that ran on {@code target} fails whatever it returned (a kill ended that instance), or null. */
    ActorDiedException killedUnder(Object target) {
        KilledInstance last = killed;
        return last != null && last.instance() == target ? last.cause() : null;
    }

    /**
     * The running method asked the actor to exit ({@code Mobula.exitActor()}): no call starts after
     * it; once its result is out, {@link #exitIfAsked} ends the actor.
     */
    void requestExit(TaskSpec call) {
        exiting = call.displayName();
    }

    /**
     * Ends the actor for good if a method asked it to exit: queued and later calls fail with
     * {@code ActorDiedException}; calls still running on other threads finish and keep their results.
     */
    void exitIfAsked() {
        String caller = exiting;
        if (caller == null || !markDead(new ActorDiedException("actor " + displayName() + (name == null ? "" : " '" + name + "'")
            + " exited: " + caller + " called Mobula.exitActor(), so it is not restarted; create it again to "
            + "call it"))) {
            return;
        }
        drain();
    }

    /** Runs the constructor; on failure the actor dies. @return true if the instance exists. */
    private boolean construct(boolean restart) {
        TaskExecutor executor = runtime.executor();
        ExecutionContext context = ExecutionContext.current(); // null where a restart is not on the actor's thread
        if (context != null) {
            context.running = creation;
        }
        try {
            Object[] args = executor.resolveArguments(creation, 0);
            Object created = runtime.site().construct(this, args);
            synchronized (this) {
                if (state == State.DEAD) {
                    if (created instanceof IsolatedActor worker) {
                        worker.stop();
                    }
                    return false;
                }
                instance = created;
                state = State.ALIVE;
                notifyAll();
            }
            creation.result.complete(StoredValues.NULL);
            return true;
        } catch (Throwable error) {
            if (RetryPolicy.systemFailure(error) && claimRebuild()) {
                // The node (or worker process) chosen for it died before it was built: build it
                // elsewhere, as a restart, after a short backoff so the cluster's view can catch up.
                if (backOff()) {
                    runtime.site().actorRestarting();
                    return construct(true);
                }
            }
            MobulaException cause = error instanceof TaskExecutor.ArgumentFailure failure ? failure.cause() : null;
            markDead(new ActorDiedException("actor " + displayName() + (restart ? " could not be restarted" : " could not be created")
                + ": its constructor threw " + (cause != null ? cause.getMessage() : error.toString()), cause != null ? cause : error));
            drain();
            return false;
        } finally {
            if (context != null) {
                context.running = null;
            }
        }
    }

    /**
     * Claims a restart for a construction that met a dead node or worker process.
     *
     * @return false if no restart is left (or the actor is dead already): it dies of the failure.
     */
    private synchronized boolean claimRebuild() {
        if (state == State.DEAD || restarts >= maxRestarts) {
            return false;
        }
        restarts++;
        state = State.RESTARTING;
        return true;
    }

    /** Waits before a rebuild (as a retried task does). @return false if interrupted: a kill. */
    private boolean backOff() {
        try {
            Thread.sleep(RetryPolicy.backoffMs(restarts + 1));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The worker process of an isolated actor died: the constructor runs again in a fresh one while
     * restarts are left; then the actor dies.
     */
    void workerDied(IsolatedActor worker) {
        restartOrDie(worker, () -> new ActorDiedException("actor " + displayName() + (name == null ? "" : " '" + name + "'")
            + " died: its worker process (pid " + worker.pid() + ") exited with status " + worker.exitStatus()
            + " and no restarts are left (maxRestarts=" + maxRestarts + "); create it again, with a higher maxRestarts if it "
            + "should survive this"));
    }

    /**
     * A connected driver's actor: the node holding {@code lost} died. Unless the actor has been
     * built elsewhere since, its thread restarts it (or it dies) before sending anything more.
     */
    public void instanceLost(Object lost) {
        if (state == State.DEAD || lost != instance) {
            return;
        }
        lostInstance = lost;
        for (Idler.Doorbell doorbell : doorbells) {
            doorbell.ring();
        }
    }

    /** The instance lost with its node, for the one thread that restarts it; null if none. */
    private Object claimLostInstance() {
        if (lostInstance == null) {
            return null; // the usual case, read without the lock
        }
        synchronized (this) {
            Object lost = lostInstance;
            lostInstance = null;
            return lost;
        }
    }

    /** A connected driver's actor lost its node: built again elsewhere while restarts are left; then it dies. */
    private void nodeDied(Object lost) {
        restartOrDie(lost, () -> new ActorDiedException("actor " + displayName() + (name == null ? "" : " '" + name + "'")
            + " died with its node and no restarts are left (maxRestarts=" + maxRestarts + "); create it again, with a "
            + "higher maxRestarts if it should survive this"));
    }

    /** {@code call} threw {@code fatal} on {@code target}: restarted while restarts remain, unless rebuilt since. */
    void onFatal(TaskSpec call, Throwable fatal, Object target) {
        restartOrDie(target, () -> new ActorDiedException("actor " + displayName() + " died: " + call.displayName() + " threw "
            + fatal + " and no restarts are left (maxRestarts=" + maxRestarts + ")", fatal));
    }

    /**
     * After the instance failed ({@code failed}: the instance that did, or null for the current one):
     * the constructor runs again while restarts remain, else the actor dies with {@code death}.
     */
    private void restartOrDie(Object failed, Supplier<ActorDiedException> death) {
        boolean restart;
        synchronized (this) {
            if (state != State.ALIVE || (failed != null && instance != failed)) {
                return;
            }
            restart = restarts < maxRestarts;
            if (restart) {
                restarts++;
                state = State.RESTARTING;
                instance = null;
            }
        }
        if (restart) {
            runtime.site().actorRestarting();
            construct(true);
        } else {
            kill(death.get());
        }
    }

    @Override
    public String toString() {
        return "ActorRecord{" + id + " " + displayName() + (name == null ? "" : " '" + name + "'") + " " + state + "}";
    }
}
