package io.mobula.worker;

import io.mobula.naming.FunctionDescriptor;

/**
 * An actor instance living in a worker process of its own, as the node sees it: calls go to that
 * process one at a time (the actor's thread on the node makes them in mailbox order).
 */
public final class IsolatedActor {
    private final WorkerProcessPool pool;
    private final WorkerProcess worker;

    IsolatedActor(WorkerProcessPool pool, WorkerProcess worker) {
        this.pool = pool;
        this.worker = worker;
    }

    /**
     * Runs a method on the instance.
     *
     * @param exitAsked run (on this thread, before the method returns) if the method calls
     *                  {@code Mobula.exitActor()}.
     * @throws io.mobula.TaskException          what the method threw there.
     * @throws io.mobula.WorkerCrashedException if the process died before it answered.
     */
    public Object call(FunctionDescriptor method, String displayName, Object[] args, Runnable exitAsked) {
        return pool.callActor(worker, method, displayName, args, exitAsked);
    }

    public boolean isAlive() {
        return worker.isAlive();
    }

    public long pid() {
        return worker.pid();
    }

    /** The process's exit status once it has died; -1 while it runs. */
    public int exitStatus() {
        return worker.isAlive() ? -1 : worker.exitStatus();
    }

    /** Ends the process (the actor was killed, or the node is closing). */
    public void stop() {
        pool.stop(worker);
    }

    @Override
    public String toString() {
        return "IsolatedActor{" + worker + "}";
    }
}
