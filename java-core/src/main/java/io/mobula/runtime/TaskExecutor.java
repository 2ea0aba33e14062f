package io.mobula.runtime;

import io.mobula.MobulaException;
import io.mobula.RuntimeClosedException;
import io.mobula.TaskCancelledException;
import io.mobula.TaskException;

/**
 * Runs a spec on the calling thread: resolves its arguments, runs it where the node's
 * {@link WorkSite} runs work, stores the result (or the failure) in the result entry, and says
 * whether the spec should run again. Shared by worker threads (tasks) and actor threads (method calls).
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
     * Runs a task on a worker thread (or, where the cluster places work, sends it from there).
     *
     * @return true if it failed with a retryable error and retries are left: submit it again.
     */
    boolean execute(TaskSpec task) {
        if (!task.tryStart()) {
            return false;
        }
        ExecutionContext context = ExecutionContext.current();
        context.task = task;
        context.running = task;
        Object stored;
        Object[] storedEach = null;
        runtime.activityCounters().taskStarted();
        try {
            Object[] args = resolveArguments(task, 0);
            Object value = runtime.site().runTask(task, args);
            if (value == WorkSite.SENT) {
                task.detach(); // its outcome completes it on the thread that hears it
                return false;
            }
            if (task.stream != null) {
                StreamedReturns.produce(runtime, task, value); // each value stored and handed out as it comes
                stored = StoredValues.NULL;
            } else if (task.moreResults != null) {
                storedEach = MultipleReturns.marshalEach(runtime, task, value);
                stored = storedEach[0];
            } else {
                stored = runtime.marshaller().marshal(value, task.result.id());
            }
        } catch (Throwable error) {
            // a generator is not run again: its values so far are already out
            if (!(error instanceof ArgumentFailure) && task.stream == null && task.requeueForRetry(error)) {
                return true;
            }
            stored = failure(task, error);
        } finally {
            context.task = null;
            context.running = null;
            runtime.activityCounters().taskEnded();
        }
        if (!task.finish()) {
            stored = cancelled(task);
            storedEach = null;
        }
        runtime.completeResults(task, stored, storedEach);
        return false;
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
        WorkSite site = runtime.site();
        for (int i = 0; i < stored.length; i++) {
            Object arg = stored[i];
            try {
                if (arg instanceof ObjectEntry entry) {
                    values[i + offset] = site.argumentValue(runtime.awaitStored(entry, Long.MAX_VALUE), marshaller);
                } else {
                    values[i + offset] = site.argumentValue(arg, marshaller);
                }
            } catch (MobulaException e) {
                io.mobula.ObjectFreedException freed = arg instanceof ObjectEntry entry ? entry.freedError() : null;
                throw new ArgumentFailure(freed != null ? freed : e); // freed while it was read: say so
            }
        }
        return values;
    }

    /** The stored form of a failed run. */
    Object failure(TaskSpec task, Throwable error) {
        if (error instanceof ArgumentFailure argument) {
            return new StoredValues.Failed(argument.cause());
        }
        if (error instanceof io.mobula.ReturnCountException miscounted) {
            return new StoredValues.Failed(miscounted); // the task ran, but returned no n values: said as such
        }
        if (error instanceof TaskException remote) {
            return new StoredValues.Failed(remote); // already a task's failure (a forwarded call's)
        }
        MobulaException verdict = runtime.site().verdictOf(error);
        if (verdict != null) {
            return new StoredValues.Failed(verdict);
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
