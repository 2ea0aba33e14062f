package io.mobula.store.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mobula.store.ObjectId;
import io.mobula.store.ObjectView;
import io.mobula.store.StoreContext;

/**
 * What a get of a sealed object allocates on a warm store, counted by the JVM
 * ({@code ThreadMXBean.getThreadAllocatedBytes}): the view and nothing else (no lookup record, no
 * segment: the read-only view of the bytes is made once, at seal). The store before this measured
 * 127 bytes a get (a lookup record, two segments and the view).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GetAllocationTest {
    private static final int OBJECTS = 64;
    /** One view object, with compressed class pointers and oops: a 12-byte header, two ints and three references. */
    static final long VIEW_BYTES = 32;
    /** What reading the thread's allocation counter allocates itself, with room to spare. */
    static final long MEASURING_BYTES = 4096;

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private static final ObjectId[] IDS = new ObjectId[OBJECTS + 1];

    static {
        for (int n = 1; n <= OBJECTS; n++) {
            IDS[n] = new ObjectId(16, n);
        }
    }

    private static long getAll(SharedArenaStore store, int rounds) {
        long sum = 0;
        for (int r = 0; r < rounds; r++) {
            for (int n = 1; n <= OBJECTS; n++) {
                try (ObjectView view = store.get(IDS[n], 0)) {
                    sum += view.data().byteSize() + view.kind();
                }
            }
        }
        return sum;
    }

    @Test
    void aGetAllocatesAtMostItsView() {
        try (SharedArenaStore store = SharedArenaStore.inSharedMemory(new StoreContext().capacityBytes(8 << 20), false)) {
            for (int n = 1; n <= OBJECTS; n++) {
                store.create(IDS[n], 1024, 2).seal();
            }
            getAll(store, 20_000); // warm: compiled, every view made
            int rounds = 2_000;
            long before = allocatedBytes();
            long sum = getAll(store, rounds);
            long bytes = allocatedBytes() - before;
            long gets = (long) rounds * OBJECTS;
            assertEquals(gets * (1024 + 2), sum);
            double perGet = bytes / (double) gets;
            System.out.printf("a get allocates %.1f bytes (%d bytes over %d gets)%n", perGet, bytes, gets);
            assertTrue(bytes <= gets * VIEW_BYTES + MEASURING_BYTES, "a get allocates " + perGet + " bytes, more than its "
                + "view (" + VIEW_BYTES + ")");
        }
    }
}
