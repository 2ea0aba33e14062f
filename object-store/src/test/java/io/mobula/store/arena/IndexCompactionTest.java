package io.mobula.store.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mobula.store.ObjectBuilder;
import io.mobula.store.ObjectId;
import io.mobula.store.ObjectView;
import io.mobula.store.StoreContext;
import io.mobula.store.StoreFullException;

/**
 * The index after many creates and deletes costs what a fresh one does: a miss (what every create
 * and every waiting reader's wake-up pays) probes a few slots, not the whole table; a full index is
 * a typed error, not a hang.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IndexCompactionTest {
    private SharedArenaStore store;
    private int slots;

    @BeforeEach
    void open() {
        store = SharedArenaStore.inSharedMemory(new StoreContext().capacityBytes(8 << 20)
            .createTimeoutNs(TimeUnit.MILLISECONDS.toNanos(50)), false);
        slots = store.layout().indexSlots();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static ObjectId id(long n) {
        return new ObjectId(11, n);
    }

    /** Ids spread like random ones (sequential ids hash more evenly than random ids do, flattering a fresh index). */
    private static long scattered(long n) {
        return n * 0xD6E8FEB86659FD93L ^ Long.rotateLeft(n, 29);
    }

    private void put(long n) {
        ObjectBuilder builder = store.create(id(n), 64, 2);
        builder.data().fill((byte) n);
        builder.seal();
    }

    /** Mean probes of lookups of ids never created, over {@code samples} ids. */
    private double meanMissProbes(Random random, int samples) {
        long total = 0;
        for (int i = 0; i < samples; i++) {
            total += store.probes(new ObjectId(12, random.nextLong()));
        }
        return total / (double) samples;
    }

    private int maxMissProbes(Random random, int samples) {
        int max = 0;
        for (int i = 0; i < samples; i++) {
            max = Math.max(max, store.probes(new ObjectId(12, random.nextLong())));
        }
        return max;
    }

    @Test
    void missesStayShortAfterFiftyTimesTheSlotCountOfCreatesAndDeletes() {
        Random random = new Random(5);
        int live = slots * 3 / 4; // a busy index: linear probing's clusters are long at 75%
        List<Long> ids = new ArrayList<>();
        long next = 1;
        for (int i = 0; i < live; i++) {
            put(scattered(next));
            ids.add(scattered(next++));
        }
        double fresh = meanMissProbes(new Random(1), 4000);
        int freshMax = maxMissProbes(new Random(2), 4000);
        for (long cycle = 0; cycle < 50L * slots; cycle++) {
            int victim = random.nextInt(ids.size());
            store.delete(id(ids.get(victim)));
            ids.set(victim, scattered(next));
            put(scattered(next++));
        }
        double after = meanMissProbes(new Random(1), 4000);
        int afterMax = maxMissProbes(new Random(2), 4000);
        assertEquals(live, store.stats().objectCount());
        System.out.printf("index of %d slots, %d live: a miss probes %.2f slots on average (longest %d) fresh, %.2f (%d) "
            + "after %d creates and deletes; %d moves%n", slots, live, fresh, freshMax, after, afterMax, 50L * slots,
            store.indexMoves());
        assertTrue(after <= fresh * 1.5 + 1, "a miss probes " + after + " slots on average after " + 50L * slots
            + " creates and deletes, " + fresh + " on the fresh index (" + slots + " slots)");
        assertTrue(afterMax <= Math.max(4 * freshMax, 64), "the longest miss probes " + afterMax + " slots, "
            + freshMax + " on the fresh index");
        assertTrue(store.indexMoves() > 0, "entries moved back towards their home");
        assertEquals(0, store.indexHoles(), "no tombstone left: every hole was filled by a move or went back to EMPTY");
        for (long n : ids) {
            try (ObjectView view = store.get(id(n), 0)) {
                assertNotNull(view, "live object " + n + " is found after the moves");
                assertEquals((byte) n, view.data().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 63));
            }
        }
        for (long n : ids) {
            store.delete(id(n));
        }
        assertEquals(1, store.probes(new ObjectId(12, 99)), "an empty index again: every slot EMPTY");
    }

    @Test
    void aFullIndexIsATypedErrorAndMissesStillEnd() {
        int usable = slots - 1; // one slot stays EMPTY so that every probe ends
        for (int n = 1; n <= usable; n++) {
            put(n);
        }
        StoreFullException full = assertThrows(StoreFullException.class, () -> store.create(id(usable + 1), 64, 2));
        assertTrue(full.getMessage().contains("no index slot") && full.getMessage().contains("raise the store capacity"),
            full.getMessage());
        assertNull(store.get(id(usable + 2), 0), "a miss in a full index ends");
        assertTrue(store.probes(id(usable + 2)) <= slots);
        store.delete(id(7));
        put(usable + 1);
        try (ObjectView view = store.get(id(usable + 1), 0)) {
            assertNotNull(view);
        }
    }

    @Test
    void aDeletedObjectStillPinnedKeepsItsSlotUntilTheLastViewCloses() {
        put(1);
        ObjectView view = store.get(id(1), 0);
        long used = store.stats().usedBytes();
        store.delete(id(1));
        assertEquals(1, store.stats().pinnedCount());
        assertEquals(used, store.stats().usedBytes(), "pinned: not freed");
        view.close(); // the node's own view: frees at once, no reaper needed
        assertEquals(0, store.stats().pinnedCount());
        assertEquals(0, store.stats().usedBytes());
        assertEquals(1, store.probes(id(1)), "its slot is EMPTY again");
    }

    @Test
    void getAndCloseOfALiveObjectNeedNotTheStoresLock() throws Exception {
        put(1);
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread holder = new Thread(() -> {
            store.nodeLock().lock();
            try {
                held.countDown();
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                store.nodeLock().unlock();
            }
        });
        holder.start();
        try {
            assertTrue(held.await(10, TimeUnit.SECONDS));
            java.util.concurrent.CompletableFuture<Long> reading = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try (ObjectView view = store.get(id(1), 0)) {
                    return view.data().byteSize();
                }
            });
            assertEquals(64, reading.get(10, TimeUnit.SECONDS), "get and close with the lock held elsewhere");
        } finally {
            release.countDown();
            holder.join(10_000);
        }
    }

    @Test
    void accessStampsFollowFillsAndGetsAndMoveWithTheirObject() {
        // two ids with the same home slot: the second sits behind the first and moves back once it goes
        long first = 1;
        long second = 2;
        while (IndexSlotDescriptor.home(id(second), slots) != IndexSlotDescriptor.home(id(first), slots)) {
            second++;
        }
        put(first);
        put(second);
        assertTrue(store.accessStamp(id(second)) > store.accessStamp(id(first)), "filled later, stamped later");
        store.get(id(first), 0).close();
        long got = store.accessStamp(id(first));
        assertTrue(got > store.accessStamp(id(second)), "a get stamps the object");
        store.get(id(second), 0).close();
        long secondStamp = store.accessStamp(id(second));
        assertEquals(2, store.probes(id(second)), "behind the first, one slot from home");
        store.delete(id(first));
        assertEquals(1, store.probes(id(second)), "moved back into its home slot");
        assertEquals(secondStamp, store.accessStamp(id(second)), "its stamp moved with it");
        assertEquals(-1, store.accessStamp(id(first)));
    }
}
