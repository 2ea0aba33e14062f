package io.mobula.runtime;

import java.util.concurrent.locks.LockSupport;

import io.mobula.ObjectFreedException;
import io.mobula.spi.ObjectState;
import io.mobula.store.ObjectId;

/**
 * What the owner knows of one object: pending, or its stored value (see {@link StoredValues}).
 * <p>
 * Every {@code ObjectRef} in this process points at its entry, and the entry lives exactly as long
 * as something refers to it: a ref, a queued task's argument, or a stored value that nests it.
 * Completing is once only (the first completion wins), so racing outcomes such as a cancel and a
 * finish settle to one. Waiters are called on the completing thread, after the value is visible.
 */
public final class ObjectEntry implements ObjectState {
    private static final Waiter COMPLETED = new Waiter() {
        @Override
        void onReady(ObjectEntry entry) {
        }
    };

    private final ObjectId id;
    private volatile Object stored;
    private Waiter waiters;
    /** The task that will produce this object while it is pending, for cancel; cleared on completion. */
    private volatile TaskSpec producer;

    public ObjectEntry(ObjectId id) {
        this.id = id;
    }

    /** An entry complete from birth (a {@code put}). */
    public ObjectEntry(ObjectId id, Object stored) {
        this.id = id;
        this.stored = stored;
        this.waiters = COMPLETED;
    }

    public ObjectId id() {
        return id;
    }

    /** The stored value, or {@code null} while pending. */
    public Object stored() {
        return stored;
    }

    public boolean isReady() {
        return stored != null;
    }

    TaskSpec producer() {
        return producer;
    }

    void producer(TaskSpec task) {
        this.producer = task;
    }

    /**
     * Completes the entry with a stored value (never {@code null}: use {@link StoredValues#NULL}).
     *
     * @return true if this call completed it, false if it was already complete.
     */
    public boolean complete(Object value) {
        Waiter chain;
        synchronized (this) {
            if (stored != null) {
                return false;
            }
            stored = value;
            chain = waiters;
            waiters = COMPLETED;
            producer = null;
        }
        for (Waiter w = chain; w != null; w = w.next) {
            w.onReady(this);
        }
        return true;
    }

    /**
     * Frees the entry ({@code Mobula.free}): from now on it holds {@code freed}, a failure naming
     * it. A pending entry completes with it now (its waiters wake); the work's value, when it comes,
     * is dropped ({@link #complete} returns false).
     *
     * @return the stored form it held before, for its memory to be given back; null if it was
     *         pending or already freed.
     */
    public Object free(StoredValues.Failed freed) {
        while (true) {
            synchronized (this) {
                Object before = stored;
                if (isFreed(before)) {
                    return null;
                }
                if (before != null) {
                    stored = freed;
                    return before;
                }
            }
            if (complete(freed)) {
                return null;
            } // the work completed it meanwhile: free what it stored
        }
    }

    /** Whether {@link #free} freed it. */
    public boolean isFreed() {
        return isFreed(stored);
    }

    private static boolean isFreed(Object stored) {
        return stored instanceof StoredValues.Failed failed && failed.error() instanceof ObjectFreedException;
    }

    /** The error a read of a freed entry throws; null if it is not freed. */
    ObjectFreedException freedError() {
        return stored instanceof StoredValues.Failed failed && failed.error() instanceof ObjectFreedException freed
            ? freed : null;
    }

    /**
     * Registers a waiter to be called once when the entry completes.
     *
     * @return false if the entry is already complete (the waiter is not registered and not called).
     */
    public boolean addWaiter(Waiter waiter) {
        synchronized (this) {
            if (stored != null) {
                return false;
            }
            waiter.next = waiters;
            waiters = waiter;
            return true;
        }
    }

    /**
     * Runs {@code callback} once the entry is complete: at once on the calling thread if it is,
     * else on the completing thread (so it must be quick and must not block).
     */
    public void whenReady(Runnable callback) {
        if (!addWaiter(new Waiter() {
            @Override
            void onReady(ObjectEntry entry) {
                callback.run();
            }
        })) {
            callback.run();
        }
    }

    /** Removes a waiter that is no longer interested (a timed-out get); a no-op if already called. */
    public void removeWaiter(Waiter waiter) {
        synchronized (this) {
            if (waiters == COMPLETED) {
                return;
            }
            Waiter prev = null;
            for (Waiter w = waiters; w != null; prev = w, w = w.next) {
                if (w == waiter) {
                    if (prev == null) {
                        waiters = w.next;
                    } else {
                        prev.next = w.next;
                    }
                    return;
                }
            }
        }
    }

    /**
     * Waits until the entry completes: a short spin (the usual case for a task on a hot worker),
     * then parked until the completer wakes this thread.
     *
     * @param timeoutNs   how long to wait in all; {@code Long.MAX_VALUE} waits for ever.
     * @param blockedHook told once before this thread parks and once after it wakes, so a worker
     *                    thread can lend its CPU out while it waits; may be null.
     * @return the stored value, or {@code null} on timeout.
     * @throws InterruptedException if the thread is interrupted while parked.
     */
    public Object await(long timeoutNs, Runnable[] blockedHook, Idler idler) throws InterruptedException {
        Object value = stored;
        if (value != null) {
            return value;
        }
        long start = System.nanoTime();
        long spinUntil = start + Math.min(timeoutNs, idler.spinBeforeParkNs());
        int spins = 0;
        while ((value = stored) == null && System.nanoTime() - spinUntil < 0) {
            idler.spin(spins++);
        }
        if (value != null) {
            return value;
        }
        ThreadWaiter waiter = new ThreadWaiter(Thread.currentThread());
        if (!addWaiter(waiter)) {
            return stored;
        }
        boolean blocked = false;
        try {
            while ((value = stored) == null) {
                long left = timeoutNs == Long.MAX_VALUE ? Long.MAX_VALUE : timeoutNs - (System.nanoTime() - start);
                if (left <= 0) {
                    return null;
                }
                if (!blocked && blockedHook != null && blockedHook[0] != null) {
                    blocked = true;
                    blockedHook[0].run();
                }
                if (left == Long.MAX_VALUE) {
                    LockSupport.park(this);
                } else {
                    LockSupport.parkNanos(this, left);
                }
                if (Thread.interrupted()) {
                    if ((value = stored) != null) {
                        Thread.currentThread().interrupt();
                        return value;
                    }
                    throw new InterruptedException("interrupted while waiting for object " + id);
                }
            }
            return value;
        } finally {
            if (value == null) {
                removeWaiter(waiter);
            }
            if (blocked) {
                blockedHook[1].run();
            }
        }
    }

    @Override
    public String toString() {
        return "ObjectEntry{" + id + (stored == null ? ", pending}" : ", ready}");
    }

    /** Called once when an entry completes; subclasses must be quick and must not block. */
    public abstract static class Waiter {
        Waiter next;

        abstract void onReady(ObjectEntry entry);
    }

    private static final class ThreadWaiter extends Waiter {
        private final Thread thread;

        ThreadWaiter(Thread thread) {
            this.thread = thread;
        }

        @Override
        void onReady(ObjectEntry entry) {
            LockSupport.unpark(thread);
        }
    }
}
