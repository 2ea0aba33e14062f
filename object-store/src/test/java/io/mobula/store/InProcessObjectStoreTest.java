package io.mobula.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class InProcessObjectStoreTest {
    private static ObjectStore store(long capacity, long createTimeoutMs) {
        return new InProcessObjectStore(new StoreContext().capacityBytes(capacity)
            .createTimeoutNs(TimeUnit.MILLISECONDS.toNanos(createTimeoutMs)));
    }

    private static ObjectId id(long n) {
        return new ObjectId(1, n);
    }

    @Test
    void createFillSealGetRelease() {
        try (ObjectStore store = store(1 << 20, 0)) {
            ObjectBuilder builder = store.create(id(1), 1000, 7);
            assertEquals(0, builder.data().address() % 64, "data is 64-byte aligned");
            builder.data().set(ValueLayout.JAVA_INT, 0, 1234);
            assertNull(store.get(id(1), 0), "unsealed objects are invisible");
            assertFalse(store.contains(id(1)));
            builder.seal();
            try (ObjectView view = store.get(id(1), 0)) {
                assertNotNull(view);
                assertEquals(7, view.kind());
                assertEquals(1000, view.data().byteSize());
                assertEquals(1234, view.data().get(ValueLayout.JAVA_INT, 0));
                assertTrue(view.data().isReadOnly());
                assertEquals(1, store.stats().pinnedCount());
            }
            assertEquals(0, store.stats().pinnedCount());
            assertEquals(1000, store.stats().usedBytes());
        }
    }

    @Test
    void getWaitsForTheSealAndTimesOut() throws Exception {
        try (ObjectStore store = store(1 << 20, 0)) {
            ObjectBuilder builder = store.create(id(2), 8, 1);
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                CompletableFuture<ObjectView> waiter = CompletableFuture.supplyAsync(
                    () -> store.get(id(2), TimeUnit.SECONDS.toNanos(10)), pool);
                Thread.sleep(50);
                assertFalse(waiter.isDone());
                builder.seal();
                ObjectView view = waiter.get(10, TimeUnit.SECONDS);
                assertNotNull(view);
                view.close();
            } finally {
                pool.shutdownNow();
            }
            assertNull(store.get(id(3), TimeUnit.MILLISECONDS.toNanos(20)));
        }
    }

    @Test
    void deleteOfAPinnedObjectWaitsForTheLastRelease() {
        try (ObjectStore store = store(1 << 20, 0)) {
            store.create(id(4), 100, 1).seal();
            ObjectView view = store.get(id(4), 0);
            assertTrue(store.delete(id(4)));
            assertFalse(store.contains(id(4)));
            assertEquals(100, store.stats().usedBytes(), "still pinned");
            view.close();
            view.close(); // once only
            assertEquals(0, store.stats().usedBytes());
            assertFalse(store.delete(id(4)));
        }
    }

    @Test
    void capacityErrorsNameSizesAndTheFix() {
        try (ObjectStore store = store(1000, 50)) {
            ObjectTooLargeException tooLarge = assertThrows(ObjectTooLargeException.class, () -> store.create(id(5), 1001, 1));
            assertTrue(tooLarge.getMessage().contains("1001") && tooLarge.getMessage().contains("1000"), tooLarge.getMessage());
            store.create(id(6), 800, 1).seal();
            StoreFullException full = assertThrows(StoreFullException.class, () -> store.create(id(7), 300, 1));
            assertTrue(full.getMessage().contains("800 of 1000"), full.getMessage());
            assertThrows(ObjectExistsException.class, () -> store.create(id(6), 10, 1));
            store.delete(id(6));
            store.create(id(7), 300, 1).seal(); // room again
        }
    }

    @Test
    void aFullStoreWaitsForRoomFreedByADelete() throws Exception {
        try (ObjectStore store = store(1000, 10_000)) {
            store.create(id(8), 900, 1).seal();
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                CompletableFuture<ObjectBuilder> creating = CompletableFuture.supplyAsync(() -> store.create(id(9), 500, 1), pool);
                Thread.sleep(50);
                assertFalse(creating.isDone());
                store.delete(id(8));
                creating.get(10, TimeUnit.SECONDS).seal();
                assertTrue(store.contains(id(9)));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void abortGivesTheReservationBack() {
        try (ObjectStore store = store(1000, 0)) {
            ObjectBuilder builder = store.create(id(10), 600, 1);
            builder.abort();
            assertEquals(0, store.stats().usedBytes());
            assertThrows(IllegalStateException.class, builder::seal);
        }
    }

    @Test
    void closedStoreRefusesCalls() {
        ObjectStore store = store(1000, 0);
        store.close();
        assertThrows(StoreClosedException.class, () -> store.create(id(11), 1, 1));
    }

    @Test
    void idsRoundTripThroughText() {
        ObjectId id = new ObjectId(0xDEADBEEFL, -5);
        assertEquals(id, ObjectId.parse(id.toString()));
        assertEquals(32, id.toString().length());
        assertThrows(IllegalArgumentException.class, () -> ObjectId.parse("xyz"));
    }
}
