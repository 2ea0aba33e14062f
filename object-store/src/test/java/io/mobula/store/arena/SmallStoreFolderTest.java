package io.mobula.store.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mobula.store.ObjectBuilder;
import io.mobula.store.ObjectId;
import io.mobula.store.ObjectTooLargeException;
import io.mobula.store.ObjectView;
import io.mobula.store.StoreContext;
import io.mobula.store.StoreFolderFullException;

/**
 * A store folder as small as a container's default {@code /dev/shm} (a 64 MiB tmpfs): the store
 * sizes itself to fit or falls back to a disk-backed file, and a folder filled behind its back
 * fails a put with a typed error instead of a SIGBUS. Mounting needs root, as CI runs the tests.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SmallStoreFolderTest {
    private static final long FOLDER_BYTES = 64L << 20;

    private SmallTmpfs tmpfs;
    private Path folder;
    private Path disk;

    @BeforeEach
    void mountASmallTmpfs() throws Exception {
        tmpfs = SmallTmpfs.mount("64m", "mobula-small-shm-");
        folder = tmpfs.folder();
        disk = Files.createTempDirectory("mobula-small-shm-fallback-");
    }

    @AfterEach
    void unmount() throws Exception {
        try {
            if (tmpfs != null) {
                tmpfs.close();
            }
        } finally {
            if (disk != null && Files.exists(disk)) {
                try (Stream<Path> walk = Files.walk(disk)) {
                    for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    private StoreContext context(long capacity) {
        return new StoreContext().capacityBytes(capacity).directory(folder).createTimeoutNs(TimeUnit.MILLISECONDS.toNanos(50));
    }

    private static void put(SharedArenaStore store, ObjectId id, long size) {
        ObjectBuilder builder = store.create(id, size, 2);
        Checksums.fill(builder.data(), id.low());
        builder.seal();
    }

    private static void assertReadsBack(SharedArenaStore store, ObjectId id, long size) {
        try (ObjectView view = store.get(id, 0)) {
            assertNotNull(view, "object " + id);
            java.lang.foreign.MemorySegment expected = java.lang.foreign.Arena.ofAuto().allocate(size);
            Checksums.fill(expected, id.low());
            assertEquals(Checksums.fnv1a64(expected), Checksums.fnv1a64(view.data()));
        }
    }

    @Test
    void withoutAFallbackTheStoreShrinksToTheFolderAndFillsItWhole() {
        try (SharedArenaStore store = SharedArenaStore.inSharedMemory(context(256L << 20).fallbackDirectory(null), false)) {
            assertEquals(folder, store.path().getParent());
            long capacity = store.stats().capacityBytes();
            assertTrue(capacity < FOLDER_BYTES && capacity > FOLDER_BYTES / 2, "sized to the folder: " + capacity);
            assertTrue(store.placementNote().contains("256 MiB") && store.placementNote().contains(folder.toString()),
                store.placementNote());
            long size = 1 << 20;
            int count = (int) (capacity / size);
            for (int i = 0; i < count; i++) { // every byte of the store touched: no SIGBUS
                put(store, new ObjectId(51, i + 1), size);
            }
            assertReadsBack(store, new ObjectId(51, count), size);
            assertThrows(ObjectTooLargeException.class, () -> store.create(new ObjectId(51, 999), FOLDER_BYTES, 2),
                "an object larger than the folder is refused, typed");
        }
    }

    @Test
    void aStoreTheFolderCannotHoldFallsBackToADiskBackedFileThatTakesLargerObjects() {
        try (SharedArenaStore store = SharedArenaStore.inSharedMemory(context(256L << 20).fallbackDirectory(disk), false)) {
            assertEquals(disk, store.path().getParent(), store.toString());
            assertEquals(256L << 20, store.stats().capacityBytes());
            assertTrue(store.placementNote().contains("disk-backed") && store.toString().contains("disk-backed"),
                store.toString());
            ObjectId big = new ObjectId(52, 1);
            put(store, big, 100L << 20); // larger than the 64 MiB folder
            assertReadsBack(store, big, 100L << 20);
            try (ArenaReader reader = new ArenaReader(store.path())) {
                assertNotNull(reader.get(big, 0), "other processes read the fallback arena as any other");
            }
        }
    }

    @Test
    void aFolderFilledBehindTheStoresBackFailsThePutTypedAndFreesItsSlot() throws Exception {
        try (SharedArenaStore store = SharedArenaStore.inSharedMemory(context(32L << 20).fallbackDirectory(null), false)) {
            assertEquals(folder, store.path().getParent());
            assertEquals(null, store.placementNote(), "32 MiB fits a 64 MiB folder");
            put(store, new ObjectId(53, 1), 1 << 20);
            Path filler = folder.resolve("someone-elses-file");
            fill(filler);
            ObjectId blocked = new ObjectId(53, 2);
            StoreFolderFullException full = assertThrows(StoreFolderFullException.class,
                () -> put(store, blocked, 8L << 20));
            assertTrue(full.getMessage().contains(folder.toString()), full.getMessage());
            assertEquals(1, store.stats().objectCount(), "the failed object's slot and block are freed");
            assertEquals(1L << 20, store.stats().usedBytes());
            assertTrue(!store.contains(blocked));
            Files.delete(filler);
            put(store, blocked, 8L << 20); // the same id, once there is room: the store goes on
            assertReadsBack(store, blocked, 8L << 20);
            assertReadsBack(store, new ObjectId(53, 1), 1 << 20);
        }
    }

    /** Writes {@code file} until the folder is full. */
    private static void fill(Path file) throws IOException {
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < 2 * FOLDER_BYTES / chunk.length; i++) {
                out.write(chunk);
            }
        } catch (IOException e) {
            assertTrue(String.valueOf(e.getMessage()).contains("No space left"), e.toString());
            return;
        }
        throw new AssertionError("a 64 MiB tmpfs took " + 2 * FOLDER_BYTES + " bytes");
    }

}
