package io.mobula.runtime;

/**
 * How a node runs a task's function once its arguments are resolved: here, on the worker thread
 * ({@link #LOCAL}), or elsewhere (a connected driver forwards to the node it is connected to).
 */
public interface TaskInvoker extends AutoCloseable {
    /** Calls the function on the calling worker thread. */
    TaskInvoker LOCAL = new TaskInvoker() {
        @Override
        public Object invoke(TaskSpec task, Object[] args) throws Exception {
            return task.function.invoke(args);
        }

        @Override
        public boolean runsActors() {
            return true;
        }

        @Override
        public void close() {
        }
    };

    /** @return the task's result; throws what the function threw. */
    Object invoke(TaskSpec task, Object[] args) throws Exception;

    /** False where actors cannot run (a connected driver does not host them). */
    boolean runsActors();

    @Override
    void close();
}
