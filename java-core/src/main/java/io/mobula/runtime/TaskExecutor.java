package io.mobula.runtime;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.mobula.MobulaException;
import io.mobula.RuntimeClosedException;
import io.mobula.TaskCancelledException;
import io.mobula.TaskException;

/**
 * Runs a spec on the calling thread: resolves its arguments, calls the function, stores the
 * result (or the failure) in the result entry, and says whether the spec should run again.
 * Shared by worker threads (tasks) and actor threads (method calls).
 */
public final class TaskExecutor {
    private final NodeRuntime runtime;

    TaskExecutor(NodeRuntime runtime) {
        this.runtime = runtime;
    }

    void enterWorker() {
        ExecutionContext.enterWorker(runtime);
    }

    /**
     * Runs a task on a worker thread.
     *
     * @return true if it failed with a retryable error and retries are left: submit it again.
     */
    boolean execute(TaskSpec task) {
        if (!task.tryStart()) {
            return false;
        }
        ExecutionContext context = ExecutionContext.current();
        context.task = task;
        Object stored;
        runtime.running.incrementAndGet();
        try {
            Object[] args = resolveArguments(task, 0);
            if (runtime.invoker().placesElsewhere()) { // a driver sends it to the cluster (as isolated, if it is)
                runtime.invoker().invokeAsync(task, args, (value, failure) -> completeElsewhere(task, value, failure));
                task.detach();
                return false;
            }
            Object value = task.isolated
                ? runtime.workerProcesses().runTask(task.descriptor, task.displayName(), args, task.attempt())
                : runtime.invoker().invoke(task, args);
            stored = runtime.marshaller().marshal(value, task.result.id());
        } catch (Throwable error) {
            if (!(error instanceof ArgumentFailure) && task.requeueForRetry(error)) {
                return true;
            }
            stored = failure(task, error);
        } finally {
            context.task = null;
            runtime.running.decrementAndGet();
        }
        if (!task.finish()) {
            stored = cancelled(task);
        }
        task.result.complete(stored);
        return false;
    }

    /**
     * Sends a task whose arguments are ready to the cluster on the calling thread (a connected
     * driver's submitter): no lease and no hop to a worker thread, which would only forward it. The
     * answer completes it on the thread that hears it; a retry goes through the scheduler.
     */
    void sendNow(TaskSpec task) {
        if (!task.tryStart()) {
            return;
        }
        try {
            Object[] args = resolveArguments(task, 0);
            runtime.invoker().invokeAsync(task, args, (value, failure) -> completeElsewhere(task, value, failure));
            task.detach();
        } catch (Throwable error) {
            completeElsewhere(task, null, error);
        }
    }

    /**
     * The outcome of a task sent elsewhere, on the thread that heard it (a connected driver's reader):
     * stored in the result entry, or the task queued again while its retries allow.
     */
    private void completeElsewhere(TaskSpec task, Object value, Throwable failure) {
        Object stored = null;
        Throwable error = failure;
        if (error == null) {
            try {
                stored = runtime.marshaller().marshal(value, task.result.id());
            } catch (Throwable e) {
                error = e;
            }
        }
        if (error != null) {
            if (task.requeueForRetry(error)) {
                if (RetryPolicy.systemFailure(error)) { // a node died under it: give the cluster a moment to see it
                    CompletableFuture.delayedExecutor(RetryPolicy.backoffMs(task.attempt()), TimeUnit.MILLISECONDS, Runnable::run)
                        .execute(() -> runtime.scheduler().makeReady(task));
                } else {
                    runtime.scheduler().makeReady(task);
                }
                return;
            }
            stored = failure(task, error);
        }
        if (!task.finish()) {
            stored = cancelled(task);
        }
        task.result.complete(stored);
    }

    /**
     * Resolves a spec's arguments into the values the function is called with, leaving
     * {@code offset} slots free at the front (an actor method's receiver).
     *
     * @throws ArgumentFailure if a ref argument holds a failure, or waiting for it was interrupted.
     */
    Object[] resolveArguments(TaskSpec task, int offset) {
        Object[] stored = task.args;
        Object[] values = new Object[stored.length + offset];
        ValueMarshaller marshaller = runtime.marshaller();
        boolean sentOn = runtime.invoker().placesElsewhere();
        for (int i = 0; i < stored.length; i++) {
            Object arg = stored[i];
            try {
                if (arg instanceof ObjectEntry entry) {
                    Object form = runtime.awaitStored(entry, Long.MAX_VALUE);
                    // work sent to the cluster takes a value living there as where it lives
                    values[i + offset] = sentOn && form instanceof RemoteValue remote ? remote : marshaller.unmarshal(form);
                } else {
                    values[i + offset] = sentOn && arg instanceof RemoteValue remote ? remote : marshaller.unmarshal(arg);
                }
            } catch (MobulaException e) {
                throw new ArgumentFailure(e);
            }
        }
        return values;
    }

    /** The stored form of a failed run. */
    Object failure(TaskSpec task, Throwable error) {
        if (error instanceof ArgumentFailure argument) {
            return new StoredValues.Failed(argument.cause());
        }
        if (error instanceof io.mobula.TaskException remote) {
            return new StoredValues.Failed(remote); // already a task's failure (a forwarded call's)
        }
        if (error instanceof MobulaException typed && runtime.invoker().placesElsewhere()) {
            return new StoredValues.Failed(typed); // the cluster's own verdict (actor died, no node fits), as it said it
        }
        if (runtime.isClosed()) {
            return new StoredValues.Failed(new RuntimeClosedException("the Mobula runtime closed while "
                + task.displayName() + " was running"));
        }
        return new StoredValues.Failed(new TaskException(task.displayName(), error));
    }

    static Object cancelled(TaskSpec task) {
        return new StoredValues.Failed(new TaskCancelledException(task.displayName() + " was cancelled"));
    }

    /** An argument could not be resolved; carries the error the task fails with. */
    static final class ArgumentFailure extends RuntimeException {
        private final MobulaException cause;

        ArgumentFailure(MobulaException cause) {
            super(cause.getMessage(), cause, false, false);
            this.cause = cause;
        }

        @Override
        public synchronized MobulaException getCause() {
            return cause;
        }

        MobulaException cause() {
            return cause;
        }
    }
}
