package io.mobula.runtime;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.mobula.TaskCancelledException;
import io.mobula.spi.ObjectState;

/**
 * How callers wait on a node's entries: {@code get}'s wait for one (spin, yield, then park),
 * {@code get}'s wait for many (until all are ready or one has failed) and {@code wait}'s countdown.
 * A task that waits in any of them lends its CPU back while it is parked.
 * <p>
 * The waits over many entries count every ready entry through one place: a waiter registered on
 * the entry, or, where the entry completed before the waiter could be registered, the refusal to
 * register it. Nothing is counted from an earlier look, so an entry that completes while the wait
 * registers is counted exactly once. (Counting from a first scan, then registering only on entries
 * still pending, lost such an entry, and {@code wait} slept to its timeout.)
 */
final class EntryWaits {
    /**
     * How long a multi-entry wait parks before it looks whether the runtime closed: the only reason
     * for the bound, since every completion unparks it.
     */
    private static final long CLOSE_CHECK_NS = TimeUnit.MILLISECONDS.toNanos(100);

    /** The node whose entries these are; null for a bare wait (the model-checking tests'). */
    private final NodeRuntime runtime;
    private final Idler bareIdler;

    EntryWaits(NodeRuntime runtime) {
        this.runtime = runtime;
        this.bareIdler = null;
    }

    /** Waits on entries that belong to no node: no CPU to lend, nothing to close. */
    EntryWaits(Idler idler) {
        this.runtime = null;
        this.bareIdler = idler;
    }

    /** Waits for an entry's stored form; null on timeout. */
    Object awaitStored(ObjectEntry entry, long timeoutNs) {
        Object stored = entry.stored();
        if (stored != null) {
            return stored;
        }
        try {
            return entry.await(timeoutNs, blockedHook(), runtime == null ? bareIdler : runtime.idler());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted("object " + entry.id(), e);
        }
    }

    /**
     * Waits until {@code numReturns} of the entries are ready or the timeout passes.
     *
     * @return which entries were ready when the wait ended.
     * @throws IllegalArgumentException if {@code numReturns} is not between 1 and the number of
     *                                  entries, or an entry is given twice (as Ray refuses both).
     */
    boolean[] waitFor(ObjectState[] objects, int numReturns, long timeoutNs) {
        if (numReturns < 1 || numReturns > objects.length) {
            throw new IllegalArgumentException("numReturns must be between 1 and the number of refs (" + objects.length
                + "), got " + numReturns);
        }
        // one pass reads each entry once: its readiness, its count, and whether it came before
        ObjectEntry[] entries = new ObjectEntry[objects.length];
        boolean[] readiness = new boolean[objects.length];
        int[] seen = objects.length < 2 ? null : new int[Integer.highestOneBit(objects.length * 2 - 1) << 1];
        int ready = 0;
        for (int i = 0; i < objects.length; i++) {
            ObjectEntry entry = (ObjectEntry) objects[i];
            entries[i] = entry;
            if (seen != null) {
                refuseRepeat(seen, entries, i);
            }
            if (entry.isReady()) {
                readiness[i] = true;
                ready++;
            }
        }
        if (ready >= numReturns || timeoutNs <= 0) {
            return readiness;
        }
        awaitCountdown(entries, new Countdown(numReturns, false), timeoutNs);
        for (int i = 0; i < entries.length; i++) {
            readiness[i] = entries[i].isReady();
        }
        return readiness;
    }

    /**
     * Waits until every entry is ready or one of them has failed, whichever is first (Ray's
     * {@code get} of a list throws as soon as one task fails, not after the slowest finishes).
     *
     * @return true if the wait ended so; false on timeout.
     */
    boolean awaitAllOrFailure(ObjectState[] objects, long timeoutNs) {
        ObjectEntry[] entries = entries(objects);
        int ready = countReady(entries);
        if (ready == entries.length || anyFailed(entries)) {
            return true;
        }
        if (timeoutNs <= 0) {
            return false;
        }
        Countdown countdown = new Countdown(entries.length, true);
        return awaitCountdown(entries, countdown, timeoutNs);
    }

    /**
     * Registers {@code countdown} on every entry, parks until it ends or the time is up, and
     * unregisters. @return true if the countdown ended.
     */
    private boolean awaitCountdown(ObjectEntry[] entries, Countdown countdown, long timeoutNs) {
        ObjectEntry.Waiter[] links = new ObjectEntry.Waiter[entries.length];
        for (int i = 0; i < entries.length && !countdown.isDone(); i++) {
            ObjectEntry.Waiter link = countdown.link();
            if (entries[i].addWaiter(link)) {
                links[i] = link;
            } else {
                countdown.counted(entries[i]); // completed before the waiter was in: count it here instead
            }
        }
        Runnable[] hook = blockedHook();
        boolean lent = false;
        try {
            long deadline = timeoutNs == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + timeoutNs;
            while (!countdown.isDone()) {
                long left = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
                if (left <= 0 || (runtime != null && runtime.isClosed())) {
                    return false;
                }
                if (!lent && hook != null) {
                    lent = true;
                    hook[0].run();
                }
                LockSupport.parkNanos(countdown, Math.min(left, CLOSE_CHECK_NS));
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    throw interrupted(entries.length + " objects", null);
                }
            }
            return true;
        } finally {
            for (int i = 0; i < entries.length; i++) {
                if (links[i] != null && !entries[i].isReady()) { // a completed entry has dropped its waiters
                    entries[i].removeWaiter(links[i]);
                }
            }
            if (lent) {
                hook[1].run();
            }
        }
    }

    /** The hook that lends the calling task's CPU while it is parked, or null off the node's workers. */
    private Runnable[] blockedHook() {
        ExecutionContext context = runtime == null ? null : ExecutionContext.current();
        return context != null && context.runtime == runtime ? context.blockedHook() : null;
    }

    private static ObjectEntry[] entries(ObjectState[] objects) {
        ObjectEntry[] entries = new ObjectEntry[objects.length];
        for (int i = 0; i < objects.length; i++) {
            entries[i] = (ObjectEntry) objects[i];
        }
        return entries;
    }

    private static int countReady(ObjectEntry[] entries) {
        int ready = 0;
        for (ObjectEntry entry : entries) {
            if (entry.isReady()) {
                ready++;
            }
        }
        return ready;
    }

    private static boolean anyFailed(ObjectEntry[] entries) {
        for (ObjectEntry entry : entries) {
            if (entry.stored() instanceof StoredValues.Failed) {
                return true;
            }
        }
        return false;
    }

    /**
     * Adds {@code entries[at]} to {@code seen}, an open-addressing table at most half full that holds
     * positions in {@code entries} plus one (0: free). Positions, not references: storing an entry
     * (an old object, often) into the fresh table would take the collector's write barrier per ref,
     * and every wait pays for this check. An object has one entry per process, so an entry seen
     * before is a ref given twice.
     */
    private static void refuseRepeat(int[] seen, ObjectEntry[] entries, int at) {
        ObjectEntry entry = entries[at];
        int mask = seen.length - 1;
        int slot = System.identityHashCode(entry) & mask;
        int there;
        while ((there = seen[slot]) != 0) {
            if (entries[there - 1] == entry) {
                throw new IllegalArgumentException("wait was given object " + entry.id()
                    + " more than once; pass each ref once (wait counts distinct objects)");
            }
            slot = (slot + 1) & mask;
        }
        seen[slot] = at + 1;
    }

    private static TaskCancelledException interrupted(String what, InterruptedException cause) {
        return new TaskCancelledException("interrupted while waiting for " + what
            + " (the waiting task was cancelled, or the runtime is closing)", cause);
    }

    /**
     * Counts completions down to zero and wakes the waiting thread then; one link per entry. With
     * {@code endsOnFailure}, a failed entry ends the countdown at once.
     */
    private static final class Countdown {
        private final AtomicInteger remaining;
        private final boolean endsOnFailure;
        private final Thread thread = Thread.currentThread();

        Countdown(int count, boolean endsOnFailure) {
            this.remaining = new AtomicInteger(count);
            this.endsOnFailure = endsOnFailure;
        }

        boolean isDone() {
            return remaining.get() <= 0;
        }

        void counted(ObjectEntry entry) {
            if (endsOnFailure && entry.stored() instanceof StoredValues.Failed) {
                if (remaining.getAndSet(0) > 0) {
                    LockSupport.unpark(thread);
                }
            } else if (remaining.decrementAndGet() == 0) {
                LockSupport.unpark(thread);
            }
        }

        ObjectEntry.Waiter link() {
            return new ObjectEntry.Waiter() {
                @Override
                void onReady(ObjectEntry entry) {
                    counted(entry);
                }
            };
        }
    }
}
