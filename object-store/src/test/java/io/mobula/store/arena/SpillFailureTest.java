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

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mobula.store.ObjectBuilder;
import io.mobula.store.ObjectId;
import io.mobula.store.ObjectView;
import io.mobula.store.SpillFailedException;
import io.mobula.store.StoreContext;

/**
 * A spill directory whose file system fills in the middle of a batch (a 6 MiB tmpfs: the first
 * 4 MiB batch fits, the second fails after two of its four objects). Mounting needs root, as CI
 * runs the tests.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SpillFailureTest {
    private SmallTmpfs tmpfs;
    private Path spill;

    @BeforeEach
    void mountASmallTmpfs() throws Exception {
        tmpfs = SmallTmpfs.mount("6m", "mobula-small-spill-");
        spill = tmpfs.folder();
    }

    @AfterEach
    void unmount() throws Exception {
        if (tmpfs != null) {
            tmpfs.close();
        }
    }

    private static long checksum(ObjectId id, long size) {
        MemorySegment bytes = Arena.ofAuto().allocate(size);
        Checksums.fill(bytes, id.low());
        return Checksums.fnv1a64(bytes);
    }

    private static long spillFiles(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }

    @Test
    void aBatchWhoseWriteFailsStaysInMemoryAndLeavesNoRecord() throws Exception {
        long capacity = 32 << 20;
        int size = 1 << 20;
        try (SharedArenaStore store = SharedArenaStore.inSharedMemory(new StoreContext().capacityBytes(capacity)
            .createTimeoutNs(TimeUnit.MILLISECONDS.toNanos(50)).spillDirectory(spill), false)) {
            List<ObjectId> ids = new ArrayList<>();
            SpillFailedException failed = null;
            for (int i = 0; i < 64 && failed == null; i++) {
                ObjectId id = new ObjectId(21, i + 1);
                try {
                    ObjectBuilder builder = store.create(id, size, 2);
                    Checksums.fill(builder.data(), id.low());
                    builder.seal();
                    ids.add(id);
                } catch (SpillFailedException e) {
                    failed = e;
                }
            }
            assertNotNull(failed, "the second batch cannot fit in a 6 MiB spill directory");
            assertTrue(failed.getMessage().contains(spill.toString()), failed.getMessage());
            long spilled = store.stats().spilledCount();
            assertEquals(4, spilled, "only the first batch is recorded: " + store.stats());
            assertEquals(1, spillFiles(spill), "the failed batch's partial file is removed");
            for (ObjectId id : ids.subList((int) spilled, ids.size())) {
                assertFalse(store.isSpilled(id), "object " + id + " whose write failed is recorded as spilled");
                try (ObjectView view = store.get(id, 0)) {
                    assertNotNull(view, "object " + id + " lost");
                    assertEquals(checksum(id, size), Checksums.fnv1a64(view.data()), "object " + id + " corrupted");
                }
            }
            // a victim of the failed batch, deleted, stays deleted: no stale record brings it back
            ObjectId victim = ids.get((int) spilled);
            assertTrue(store.delete(victim));
            assertFalse(store.contains(victim));
            assertNull(store.get(victim, 0), "a deleted object came back from a failed spill");
            ObjectBuilder again = store.create(victim, size, 2);
            Checksums.fill(again.data(), victim.low());
            again.seal();
            try (ObjectView view = store.get(victim, 0)) {
                assertEquals(checksum(victim, size), Checksums.fnv1a64(view.data()));
            }
        }
    }
}
