package io.mobula.store.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mobula.store.ObjectBuilder;
import io.mobula.store.ObjectId;
import io.mobula.store.StoreContext;
import io.mobula.store.StoreFullException;

/** The arena across real processes: a reader JVM maps the node's arena and reads in place. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CrossProcessArenaTest {
    private static Map<String, String> fields(String line) {
        Map<String, String> fields = new HashMap<>();
        String[] parts = line.split(" ");
        fields.put("id", parts[0]);
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            fields.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        return fields;
    }

    @Test
    void anotherJvmGetsAGibibyteObjectInPlaceAsFastAsAKibibyteOne() throws Exception {
        long gib = 1L << 30;
        try (SharedArenaStore store = SharedArenaStore.inSharedMemory(new StoreContext().capacityBytes(gib + (4 << 20)), false)) {
            ObjectId small = new ObjectId(9, 1);
            ObjectId large = new ObjectId(9, 2);
            ObjectBuilder a = store.create(small, 1024, 2);
            Checksums.fill(a.data(), 1);
            a.seal();
            ObjectBuilder b = store.create(large, gib, 2);
            Checksums.fill(b.data(), 2);
            b.seal();
            String smallSum = Long.toHexString(Checksums.fnv1a64(a.data()));
            String largeSum = Long.toHexString(Checksums.fnv1a64(b.data()));
            try (ReaderProcess reader = new ReaderProcess(store.path(), List.of(small.toString(), large.toString()))) {
                Map<String, String> s = fields(reader.readLine(60));
                Map<String, String> l = fields(reader.readLine(120));
                assertEquals(0, reader.waitFor(30));
                assertEquals("1024", s.get("size"));
                assertEquals(Long.toString(gib), l.get("size"));
                assertEquals(smallSum, s.get("fnv1a64"), "the bytes match");
                assertEquals(largeSum, l.get("fnv1a64"), "the bytes match");
                // A get is a lookup and a pin: the bytes the reader sees are the arena's own, in its
                // mapping of the file (no copy), whatever the size; the times are printed for people.
                assertEquals("true", s.get("inPlace"));
                assertEquals("true", l.get("inPlace"));
                System.out.println("reader get: 1 KiB " + s.get("getNanos") + " ns, 1 GiB " + l.get("getNanos") + " ns");
            }
        }
    }

    @Test
    void pinsOfAReaderKilledWithSigkillAreReclaimedAndTheMemoryReused() throws Exception {
        long capacity = 16 << 20;
        try (SharedArenaStore store = SharedArenaStore.inSharedMemory(new StoreContext().capacityBytes(capacity)
            .createTimeoutNs(TimeUnit.MILLISECONDS.toNanos(200)), false)) {
            ObjectId held = new ObjectId(9, 3);
            ObjectBuilder builder = store.create(held, 12 << 20, 2);
            Checksums.fill(builder.data(), 3);
            builder.seal();
            try (ReaderProcess reader = new ReaderProcess(store.path(), List.of(held.toString(), "--hold"))) {
                assertTrue(reader.readLine(60).contains("size=" + (12 << 20)));
                assertEquals("holding", reader.readLine(30));
                store.delete(held);
                store.reap();
                assertThrows(StoreFullException.class, () -> store.create(new ObjectId(9, 4), 12 << 20, 2),
                    "the killed-to-be reader still pins the deleted object's bytes");
                reader.kill();
            }
            store.reap(); // the reader's pid is gone: its pins are dropped and the bytes freed
            assertEquals(0, store.stats().usedBytes());
            store.create(new ObjectId(9, 5), 12 << 20, 2).seal();
        }
    }
}
