package io.mobula.runtime;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.mobula.TaskCancelledException;
import io.mobula.spi.ObjectState;

/**
 * How callers wait on a node's entries: {@code get}'s wait for one (spin, yield, then park, lending
 * a task's CPU back while it waits) and {@code wait}'s countdown over many.
 */
final class EntryWaits {
    private final NodeRuntime runtime;

    EntryWaits(NodeRuntime runtime) {
        this.runtime = runtime;
    }

    /** Waits for an entry's stored form; null on timeout. */
    Object awaitStored(ObjectEntry entry, long timeoutNs) {
        Object stored = entry.stored();
        if (stored != null) {
            return stored;
        }
        ExecutionContext context = ExecutionContext.current();
        Runnable[] hook = context != null && context.runtime == runtime ? context.blockedHook() : null;
        try {
            return entry.await(timeoutNs, hook, runtime.idler());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskCancelledException("interrupted while waiting for object " + entry.id()
                + " (the waiting task was cancelled, or the runtime is closing)", e);
        }
    }

    /**
     * Waits until {@code numReturns} of the entries are ready or the timeout passes.
     *
     * @return which entries were ready when the wait ended.
     */
    boolean[] waitFor(ObjectState[] objects, int numReturns, long timeoutNs) {
        ObjectEntry[] entries = new ObjectEntry[objects.length];
        for (int i = 0; i < objects.length; i++) {
            entries[i] = (ObjectEntry) objects[i];
        }
        if (numReturns < 0 || numReturns > entries.length) {
            throw new IllegalArgumentException("numReturns must be between 0 and the number of refs (" + entries.length
                + "), got " + numReturns);
        }
        int ready = 0;
        for (ObjectEntry entry : entries) {
            if (entry.isReady()) {
                ready++;
            }
        }
        if (ready < numReturns && timeoutNs > 0) {
            Countdown waiter = new Countdown(numReturns - ready, Thread.currentThread());
            ObjectEntry.Waiter[] links = new ObjectEntry.Waiter[entries.length];
            for (int i = 0; i < entries.length; i++) {
                if (!entries[i].isReady()) {
                    links[i] = waiter.link();
                    if (!entries[i].addWaiter(links[i])) {
                        waiter.countDown();
                        links[i] = null;
                    }
                }
            }
            long deadline = System.nanoTime() + timeoutNs;
            while (waiter.remaining.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || runtime.isClosed()) {
                    break;
                }
                LockSupport.parkNanos(waiter, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            for (int i = 0; i < entries.length; i++) {
                if (links[i] != null) {
                    entries[i].removeWaiter(links[i]);
                }
            }
        }
        boolean[] readiness = new boolean[entries.length];
        for (int i = 0; i < entries.length; i++) {
            readiness[i] = entries[i].isReady();
        }
        return readiness;
    }

    /** Counts ready entries down to zero and wakes the waiting thread then; one link per entry. */
    private static final class Countdown {
        final AtomicInteger remaining;
        private final Thread thread;

        Countdown(int count, Thread thread) {
            this.remaining = new AtomicInteger(count);
            this.thread = thread;
        }

        void countDown() {
            if (remaining.decrementAndGet() == 0) {
                LockSupport.unpark(thread);
            }
        }

        ObjectEntry.Waiter link() {
            return new ObjectEntry.Waiter() {
                @Override
                void onReady(ObjectEntry entry) {
                    countDown();
                }
            };
        }
    }
}
