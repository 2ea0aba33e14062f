package io.mobula.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mobula.TaskCancelledException;
import io.mobula.store.ObjectId;

/**
 * The runtime's hand-offs between threads, model checked: Lincheck runs each block's threads
 * under thousands of interleavings (every switch point at a shared read, write, CAS, park or
 * unpark) and fails with the interleaving if an assertion fails or a thread waits for ever.
 * <ul>
 *   <li>a ready queue's task against its last idle leased worker: taken, or a lease asked for;</li>
 *   <li>an entry's completion against {@code get} (park and wake), {@code whenReady} callbacks
 *       and {@code wait} over several entries;</li>
 *   <li>the doorbell an actor's thread (and an idle worker) parks on against a submitter's ring:
 *       a call put in the mailbox is never left unseen by a parked actor thread.</li>
 * </ul>
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class HandOffModelCheckTest {
    private static final int INVOCATIONS = Integer.getInteger("mobula.lincheck.invocations", 1_000);
    /** No spinning before a park: spins only multiply interleavings without adding any switch point. */
    private static final Idler PARK_AT_ONCE = new Idler(0, 0);

    private static TaskSpec task() {
        return new TaskSpec(TaskSpec.Kind.TASK, null, null, new Object[0], new ResourceVector(new long[] {1}),
            RetryPolicy.NONE, new ObjectEntry(new ObjectId(0, 1)), null, null, null, false);
    }

    @Test
    void aTaskOfferedAsTheLastIdleWorkerLeavesIsTakenOrAsksForALease() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            ReadyQueue queue = new ReadyQueue(new ResourceVector(new long[] {1}));
            TaskSpec task = task();
            AtomicBoolean askedForLease = new AtomicBoolean();
            AtomicReference<TaskSpec> taken = new AtomicReference<>();
            queue.enterIdle(); // a leased worker, idle, about to give its lease back
            Thread submitter = new Thread(() -> {
                if (queue.offerAndCheckNeedsLease(task) && queue.claimKick()) {
                    askedForLease.set(true);
                }
            });
            Thread worker = new Thread(() -> {
                TaskSpec t = queue.poll(); // its last spin
                taken.set(t != null ? stayed(queue, t) : queue.leaveIdleAndPoll());
            });
            submitter.start();
            worker.start();
            join(submitter, worker);
            assertTrue(taken.get() == task || askedForLease.get(), "the task was neither taken nor did it ask for a lease");
        });
    }

    private static TaskSpec stayed(ReadyQueue queue, TaskSpec task) {
        queue.leaveIdle();
        return task;
    }

    @Test
    void aGetParkedOnAnEntryWakesWithItsValueAndEachCallbackRunsOnce() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            ObjectEntry entry = new ObjectEntry(new ObjectId(0, 1));
            Object value = StoredValues.NULL;
            AtomicInteger callbacks = new AtomicInteger();
            AtomicReference<Object> got = new AtomicReference<>();
            Thread getter = new Thread(() -> {
                try {
                    got.set(entry.await(Long.MAX_VALUE, null, PARK_AT_ONCE));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            Thread listener = new Thread(() -> entry.whenReady(callbacks::incrementAndGet));
            Thread completer = new Thread(() -> {
                entry.complete(value);
                entry.complete(new StoredValues.Failed(new TaskCancelledException("a second completion", null)));
            });
            getter.start();
            listener.start();
            completer.start();
            join(getter, listener, completer);
            assertSame(value, got.get(), "get returned what the first completion stored");
            assertEquals(1, callbacks.get(), "a whenReady callback runs exactly once");
        });
    }

    @Test
    void waitReturnsOnceEnoughEntriesCompleteWhateverTheInterleaving() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            ObjectEntry[] entries = {new ObjectEntry(new ObjectId(0, 1)), new ObjectEntry(new ObjectId(0, 2)),
                new ObjectEntry(new ObjectId(0, 3))};
            EntryWaits waits = new EntryWaits(PARK_AT_ONCE);
            AtomicReference<boolean[]> readiness = new AtomicReference<>();
            Thread waiter = new Thread(() -> readiness.set(waits.waitFor(entries, 2, Long.MAX_VALUE)));
            Thread first = new Thread(() -> entries[0].complete(StoredValues.NULL));
            Thread second = new Thread(() -> entries[2].complete(StoredValues.NULL));
            waiter.start();
            first.start();
            second.start();
            join(waiter, first, second);
            boolean[] ready = readiness.get();
            assertTrue(ready[0] && ready[2], "both completed entries are reported ready");
        });
    }

    @Test
    void aCallPutInTheMailboxIsSeenByAnActorThreadAboutToPark() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            ConcurrentLinkedQueue<Integer> mailbox = new ConcurrentLinkedQueue<>();
            Idler.Doorbell doorbell = PARK_AT_ONCE.doorbell();
            AtomicReference<Integer> ran = new AtomicReference<>();
            Thread actor = new Thread(() -> {
                Integer call;
                while ((call = mailbox.poll()) == null) {
                    doorbell.await(() -> !mailbox.isEmpty(), Long.MAX_VALUE);
                }
                ran.set(call);
            });
            Thread caller = new Thread(() -> {
                mailbox.offer(42);
                doorbell.ring();
            });
            actor.start();
            caller.start();
            join(actor, caller);
            assertEquals(42, ran.get());
        });
    }

    private static void join(Thread... threads) {
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
