package io.mobula.spi;

/**
 * How {@code Mobula.exitActor()} reaches the node from inside a worker process, where no runtime
 * lives: the worker installs a hook that tells its node the running method asked its actor to exit.
 */
public final class IsolatedActorExit {
    private static volatile Runnable hook;

    private IsolatedActorExit() {
    }

    /** Installed once by a worker process at its start. */
    public static void install(Runnable exitHook) {
        hook = exitHook;
    }

    /**
     * Asks the node to end the actor once the running method returns.
     *
     * @return false if this is no worker process (no hook): the caller says why it cannot exit.
     * @throws IllegalStateException from the hook, if no actor method runs on this thread.
     */
    public static boolean request() {
        Runnable installed = hook;
        if (installed == null) {
            return false;
        }
        installed.run();
        return true;
    }
}
