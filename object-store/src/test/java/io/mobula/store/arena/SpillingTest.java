package io.mobula.store.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mobula.store.ObjectBuilder;
import io.mobula.store.ObjectId;
import io.mobula.store.ObjectView;
import io.mobula.store.StoreContext;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SpillingTest {
    private static long expected(ObjectId id, int size) {
        MemorySegment bytes = Arena.ofAuto().allocate(size);
        Checksums.fill(bytes, id.low());
        return Checksums.fnv1a64(bytes);
    }

    private static long filesIn(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }

    /** A store of {@code capacity} spilling to {@code spill}, whose creates wait 100 ms at most for room. */
    private static SharedArenaStore spillingStore(long capacity, Path spill) {
        return SharedArenaStore.inSharedMemory(new StoreContext().capacityBytes(capacity)
            .createTimeoutNs(TimeUnit.MILLISECONDS.toNanos(100)).spillDirectory(spill), false);
    }

    @Test
    void fourTimesTheCapacityStaysReadableAndTheSpillDirectoryEmptiesAsObjectsAreFreed() throws Exception {
        long capacity = 32 << 20;
        int size = 1 << 20;
        Path spill = SharedArenaStore.defaultSpillDirectory();
        try (SharedArenaStore store = spillingStore(capacity, spill)) {
            List<ObjectId> ids = new ArrayList<>();
            for (int i = 0; i < 4 * capacity / size; i++) {
                ObjectId id = new ObjectId(11, i + 1);
                ObjectBuilder builder = store.create(id, size, 2);
                Checksums.fill(builder.data(), id.low());
                builder.seal();
                ids.add(id);
            }
            assertTrue(store.stats().spilledCount() >= 3 * capacity / size - 2, "most objects went to disk: " + store.stats());
            long files = filesIn(spill);
            long spilled = store.stats().spilledCount();
            // batches of an eighth of the store (up to 64 MiB): 4 objects of 1 MiB per file here
            assertTrue(files > 0 && files * 4 <= spilled, "spilled in batches: " + spilled + " objects in " + files + " files");
            // every object reads back right, in an order that makes restores spill others again
            for (int pass = 0; pass < 2; pass++) {
                for (ObjectId id : ids) {
                    assertTrue(store.contains(id));
                    try (ObjectView view = store.get(id, 0)) {
                        assertNotNull(view, "object " + id + " lost");
                        assertEquals(expected(id, size), Checksums.fnv1a64(view.data()), "object " + id + " corrupted");
                    }
                }
            }
            for (ObjectId id : ids) {
                assertTrue(store.delete(id));
            }
            assertEquals(0, store.stats().spilledCount());
            assertEquals(0, filesIn(spill), "spill files are removed when their objects are freed");
            assertEquals(0, store.stats().usedBytes());
        }
        assertFalse(Files.exists(spill), "the spill directory goes with the store");
    }

    private static ObjectId put(SharedArenaStore store, long high, int i, int size) {
        ObjectId id = new ObjectId(high, i + 1);
        ObjectBuilder builder = store.create(id, size, 2);
        Checksums.fill(builder.data(), id.low());
        builder.seal();
        return id;
    }

    @Test
    void spillingTakesTheLeastRecentlyUsedObjectsAndKeepsTheRecentlyRead() throws Exception {
        long capacity = 32 << 20;
        int size = 1 << 20;
        Path spill = SharedArenaStore.defaultSpillDirectory();
        try (SharedArenaStore store = spillingStore(capacity, spill)) {
            List<ObjectId> old = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                old.add(put(store, 12, i, size));
            }
            assertEquals(0, store.stats().spilledCount(), "24 MiB fit without spilling");
            // the first eight filled are read now: they become the most recently used
            List<ObjectId> read = old.subList(0, 8);
            List<ObjectId> untouched = old.subList(8, old.size());
            for (ObjectId id : read) {
                try (ObjectView view = store.get(id, 0)) {
                    assertNotNull(view);
                }
                assertTrue(store.accessStamp(id) > store.accessStamp(untouched.getLast()), "a get stamps " + id);
            }
            for (int i = 0; i < 12; i++) {
                put(store, 13, i, size); // 36 MiB in all: some must go to disk
            }
            assertTrue(store.stats().spilledCount() > 0, "the store spilled: " + store.stats());
            for (ObjectId id : read) {
                assertFalse(store.isSpilled(id), "recently read object " + id + " was spilled before older ones");
            }
            assertTrue(store.isSpilled(untouched.getFirst()), "the least recently used object stayed in memory");
            // victims go oldest first: once one untouched object stayed, no younger one went
            boolean keptOne = false;
            for (ObjectId id : untouched) {
                if (!store.isSpilled(id)) {
                    keptOne = true;
                } else {
                    assertFalse(keptOne, "object " + id + " spilled while an older one stayed");
                }
            }
        }
    }

    @Test
    void aDeletedSpilledObjectIsGoneAndItsIdCanBeCreatedAgain() throws Exception {
        long capacity = 32 << 20;
        int size = 1 << 20;
        Path spill = SharedArenaStore.defaultSpillDirectory();
        try (SharedArenaStore store = spillingStore(capacity, spill)) {
            List<ObjectId> ids = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                ids.add(put(store, 14, i, size));
            }
            ObjectId first = ids.getFirst();
            assertTrue(store.isSpilled(first), "the oldest object went to disk: " + store.stats());
            long spilled = store.stats().spilledCount();
            assertTrue(store.delete(first));
            assertFalse(store.isSpilled(first));
            assertFalse(store.contains(first));
            assertEquals(spilled - 1, store.stats().spilledCount());
            assertNull(store.get(first, 0), "a deleted spilled object came back");
            assertFalse(store.delete(first), "deleted once");
            ObjectId again = put(store, 14, 0, size);
            try (ObjectView view = store.get(again, 0)) {
                assertNotNull(view);
                assertEquals(expected(again, size), Checksums.fnv1a64(view.data()));
            }
        }
    }

    @Test
    void aSpillFileDescribesItselfOwnerAndObjects() throws Exception {
        long capacity = 32 << 20;
        int size = 1 << 20;
        Path spill = SharedArenaStore.defaultSpillDirectory();
        try (SharedArenaStore store = spillingStore(capacity, spill)) {
            for (int i = 0; i < 40; i++) {
                put(store, 15, i, size);
            }
            long described = 0;
            try (Stream<Path> files = Files.list(spill)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(Files.readAllBytes(file))
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
                    assertEquals(SpillFileDescriptor.MAGIC, bytes.getLong(0), file.toString());
                    assertEquals(SpillFileDescriptor.VERSION, bytes.getInt(8));
                    assertEquals(ProcessHandle.current().pid(), bytes.getLong(SpillFileDescriptor.OWNER_PID_OFFSET));
                    int count = bytes.getInt(SpillFileDescriptor.COUNT_OFFSET);
                    for (int e = 0; e < count; e++) {
                        int at = SpillFileDescriptor.HEADER_BYTES + e * SpillFileDescriptor.ENTRY_BYTES;
                        ObjectId id = new ObjectId(bytes.getLong(at), bytes.getLong(at + 8));
                        long objectSize = bytes.getLong(at + 16);
                        long offset = bytes.getLong(at + 24);
                        assertEquals(2, bytes.getInt(at + 32), "kind of " + id);
                        assertTrue(store.isSpilled(id), "the manifest names " + id + ", which is not spilled");
                        assertEquals(expected(id, (int) objectSize), Checksums.fnv1a64(MemorySegment.ofBuffer(
                            bytes.slice((int) offset, (int) objectSize))), "bytes of " + id + " at its manifest offset");
                        described++;
                    }
                }
            }
            assertEquals(store.stats().spilledCount(), described, "every spilled object is in a manifest");
        }
    }

    @Test
    void aGetThatRestoresCompletesWhileAnotherSpillBatchIsBeingWritten() throws Exception {
        long capacity = 32 << 20;
        int size = 1 << 20;
        Path spill = SharedArenaStore.defaultSpillDirectory();
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
        try (SharedArenaStore store = SharedArenaStore.inSharedMemory(new StoreContext().capacityBytes(capacity)
            .createTimeoutNs(TimeUnit.SECONDS.toNanos(10)).spillDirectory(spill), false)) {
            List<ObjectId> ids = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                ids.add(put(store, 16, i, size));
            }
            ObjectId spilled = ids.getFirst();
            assertTrue(store.isSpilled(spilled));
            java.util.concurrent.CountDownLatch writing = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch finish = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
            store.beforeSpillWrite(() -> {
                if (first.getAndSet(false)) { // only the first batch's write blocks; the restore's own spill goes on
                    writing.countDown();
                    try {
                        finish.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            java.util.concurrent.Future<ObjectId> blocked = threads.submit(() -> put(store, 17, 0, size));
            assertTrue(writing.await(30, TimeUnit.SECONDS), "the create did not start a spill");
            java.util.concurrent.Future<Long> restored = threads.submit(() -> {
                try (ObjectView view = store.get(spilled, 0)) {
                    return view == null ? -1 : Checksums.fnv1a64(view.data());
                }
            });
            ObjectId victim = ids.stream().filter(id -> !store.isSpilled(id)).findFirst().orElseThrow();
            try {
                assertEquals(expected(spilled, size), restored.get(20, TimeUnit.SECONDS),
                    "the spilled object read back while another batch is written");
                // the oldest object in memory is in the held batch: deleted while written, it stays deleted
                assertTrue(store.delete(victim));
            } finally {
                finish.countDown();
            }
            ObjectId created = blocked.get(30, TimeUnit.SECONDS);
            try (ObjectView view = store.get(created, 0)) {
                assertNotNull(view, "the create whose spill was held back completed");
            }
            assertFalse(store.isSpilled(victim), "a victim deleted while its batch was written kept a spill record");
            assertFalse(store.contains(victim));
            assertNull(store.get(victim, 0), "a victim deleted while its batch was written came back");
        } finally {
            threads.shutdownNow();
        }
    }
}
