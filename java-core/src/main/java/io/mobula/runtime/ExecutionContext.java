package io.mobula.runtime;

/**
 * What a thread of the node is running, for code inside a task: which runtime ({@code
 * Mobula.current()}), and, on a worker thread, which task, so a {@code get} that blocks can lend
 * the task's CPU to other work.
 */
public final class ExecutionContext {
    private static final ThreadLocal<ExecutionContext> CURRENT = new ThreadLocal<>();

    final NodeRuntime runtime;
    private final Runnable[] blockedHook;
    TaskSpec task;
    /** The GPU devices this thread's task or actor holds (empty if none). */
    int[] gpuIds = GpuAllocator.NONE;
    /** On an actor's thread: the actor; null elsewhere. */
    ActorRecord actor;
    /** On an actor's thread: the method call running now, or null between calls. */
    TaskSpec actorCall;

    private ExecutionContext(NodeRuntime runtime, boolean lendsCpu) {
        this.runtime = runtime;
        this.blockedHook = lendsCpu ? new Runnable[] {this::blocked, this::unblocked} : null;
    }

    /** Marks the calling thread as one of {@code runtime}'s workers (which lend CPU when blocked). */
    static void enterWorker(NodeRuntime runtime) {
        CURRENT.set(new ExecutionContext(runtime, true));
    }

    /** Marks the calling thread as one of {@code actor}'s threads on {@code runtime}, holding {@code gpuIds}. */
    static void enterActor(NodeRuntime runtime, int[] gpuIds, ActorRecord actor) {
        ExecutionContext context = new ExecutionContext(runtime, false);
        context.gpuIds = gpuIds;
        context.actor = actor;
        CURRENT.set(context);
    }

    /** @return the context of the calling thread, or null outside the node's threads. */
    public static ExecutionContext current() {
        return CURRENT.get();
    }

    public NodeRuntime runtime() {
        return runtime;
    }

    /** The GPU ordinals of the running task or actor; a copy. */
    public int[] gpuIds() {
        return gpuIds.clone();
    }

    boolean holdsGpu(int ordinal) {
        for (int id : gpuIds) {
            if (id == ordinal) {
                return true;
            }
        }
        return false;
    }

    /** The hook {@link ObjectEntry#await} calls around parking, or null if none applies now. */
    Runnable[] blockedHook() {
        return task == null ? null : blockedHook;
    }

    private void blocked() {
        TaskSpec t = task;
        if (t != null) {
            runtime.scheduler().workerBlocked(t);
        }
    }

    private void unblocked() {
        TaskSpec t = task;
        if (t != null) {
            runtime.scheduler().workerUnblocked(t);
        }
    }
}
