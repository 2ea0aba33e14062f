package io.mobula.store.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mobula.jvm.JvmFlags;
import io.mobula.store.ObjectBuilder;
import io.mobula.store.ObjectId;
import io.mobula.store.ObjectView;
import io.mobula.store.StoreContext;

/**
 * Lock-free readers against the node compacting its index: the node keeps a busy index (three
 * quarters of the slots) churning, so freed slots are filled by entries moving back towards their
 * home all the time, while readers in this process (the store's own get and an ArenaReader) and in
 * another JVM look objects up without waiting. Objects that are never deleted must always be found
 * (a move must not hide a sealed object), and every object a reader pins must carry its own bytes
 * (a moved or reclaimed slot must not hand out another object's).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IndexMovesStressTest {
    static final long SECONDS = 3;
    /** Objects never deleted: ids (14, 1..KEPT). */
    static final int KEPT = 128;

    static ObjectId kept(long n) {
        return new ObjectId(14, n);
    }

    static ObjectId churned(long n) {
        return new ObjectId(13, n);
    }

    static long sizeOf(long n) {
        return 64 + Math.floorMod(n, 16) * 64;
    }

    static void fill(MemorySegment data, long n) {
        for (long i = 0; i + 8 <= data.byteSize(); i += 8) {
            data.set(ValueLayout.JAVA_LONG_UNALIGNED, i, n);
        }
    }

    static boolean intact(MemorySegment data, long n) {
        for (long i = 0; i + 8 <= data.byteSize(); i += 8) {
            if (data.get(ValueLayout.JAVA_LONG_UNALIGNED, i) != n) {
                return false;
            }
        }
        return data.byteSize() == sizeOf(n);
    }

    /**
     * Reads for {@code nanos}: every other lookup is of a kept object (which must be there), the
     * rest of a random churned one. @return {checks, hits, torn, absent}
     */
    static long[] readFor(StressReaderMain.Getter getter, long nanos, long maxChurned) {
        long end = System.nanoTime() + nanos;
        long checks = 0;
        long hits = 0;
        long torn = 0;
        long absent = 0;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (System.nanoTime() < end) {
            boolean keptOne = (checks & 1) == 0;
            long n = keptOne ? 1 + random.nextInt(KEPT) : 1 + random.nextLong(maxChurned);
            checks++;
            try (ObjectView view = getter.get(keptOne ? kept(n) : churned(n), 0)) {
                if (view == null) {
                    absent += keptOne ? 1 : 0;
                    continue;
                }
                hits++;
                if (!intact(view.data(), keptOne ? -n : n)) {
                    torn++;
                }
            }
        }
        return new long[] {checks, hits, torn, absent};
    }

    /** {@code IndexMovesStressTest ARENA SECONDS MAX_CHURNED} in another JVM: prints the counts. */
    public static void main(String[] args) {
        try (ArenaReader reader = new ArenaReader(java.nio.file.Path.of(args[0]))) {
            long[] r = readFor(reader::get, Long.parseLong(args[1]) * 1_000_000_000L, Long.parseLong(args[2]));
            System.out.println("checks=" + r[0] + " hits=" + r[1] + " torn=" + r[2] + " absent=" + r[3]);
        }
    }

    /**
     * The tightest case: two objects share a home slot, and the node keeps deleting and re-creating
     * them in turn, so each delete moves the other one back into the home slot. Readers look up
     * whichever is live (by an epoch the writer bumps before each delete and after each seal): a
     * lookup that misses an object live from before it started to after it ended is a hidden object.
     */
    @Test
    void anObjectMovingBackAndForthIsNeverMissed() throws Exception {
        try (SharedArenaStore store = SharedArenaStore.inSharedMemory(new StoreContext().capacityBytes(8 << 20), false);
             ArenaReader reader = new ArenaReader(store.path())) {
            int slots = store.layout().indexSlots();
            ObjectId[] pair = {new ObjectId(15, 1), null};
            for (long low = 2; pair[1] == null; low++) {
                if (IndexSlotDescriptor.home(new ObjectId(15, low), slots) == IndexSlotDescriptor.home(pair[0], slots)) {
                    pair[1] = new ObjectId(15, low);
                }
            }
            // epoch[i] is odd while object i is (being) deleted, even while it is sealed
            java.util.concurrent.atomic.AtomicLongArray epoch = new java.util.concurrent.atomic.AtomicLongArray(2);
            for (ObjectId id : pair) {
                store.create(id, 64, 2).seal();
            }
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            ExecutorService threads = Executors.newFixedThreadPool(2);
            List<Future<long[]>> readers = new ArrayList<>();
            for (StressReaderMain.Getter getter : List.<StressReaderMain.Getter>of(store::get, reader::get)) {
                readers.add(threads.submit(() -> {
                    long checks = 0;
                    long hidden = 0;
                    while (!stop.get()) {
                        int i = (int) (checks++ & 1);
                        long before = epoch.get(i);
                        if ((before & 1) != 0) {
                            continue;
                        }
                        try (ObjectView view = getter.get(pair[i], 0)) {
                            if (view == null && epoch.get(i) == before) {
                                hidden++;
                            }
                        }
                    }
                    return new long[] {checks, hidden};
                }));
            }
            long movesBefore = store.indexMoves();
            long cycles = 0;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
            while (System.nanoTime() < end) {
                int i = (int) (cycles++ & 1);
                epoch.incrementAndGet(i);
                store.delete(pair[i]); // the other one moves back into the home slot (unless a reader pins it)
                store.create(pair[i], 64, 2).seal();
                epoch.incrementAndGet(i);
            }
            stop.set(true);
            long moves = store.indexMoves() - movesBefore;
            for (Future<long[]> r : readers) {
                long[] result = r.get(30, TimeUnit.SECONDS);
                System.out.println("pair reader: checks=" + result[0] + " hidden=" + result[1] + " (node: " + cycles
                    + " delete/create cycles, " + moves + " moves)");
                assertEquals(0, result[1], "a live object looked absent while it moved");
                assertTrue(result[0] > 0);
            }
            assertTrue(moves > 100, "the pair moved: " + moves);
            threads.shutdownNow();
        }
    }

    @Test
    void readersNeverMissAMovedObjectNorPinTheWrongOne() throws Exception {
        try (SharedArenaStore store = SharedArenaStore.inSharedMemory(new StoreContext().capacityBytes(8 << 20), false)) {
            int window = store.layout().indexSlots() * 3 / 4 - KEPT;
            long maxChurned = window * 40L;
            for (long n = 1; n <= KEPT; n++) {
                ObjectBuilder builder = store.create(kept(n), sizeOf(-n), 2);
                fill(builder.data(), -n);
                builder.seal();
            }
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
            command.addAll(JvmFlags.all());
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), IndexMovesStressTest.class.getName(),
                store.path().toString(), Long.toString(SECONDS), Long.toString(maxChurned)));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try (ArenaReader sameProcess = new ArenaReader(store.path())) {
                List<Future<long[]>> readers = new ArrayList<>();
                readers.add(threads.submit(() -> readFor(sameProcess::get, SECONDS * 1_000_000_000L, maxChurned)));
                readers.add(threads.submit(() -> readFor(store::get, SECONDS * 1_000_000_000L, maxChurned)));
                long movesBefore = store.indexMoves();
                ArrayDeque<Long> live = new ArrayDeque<>();
                long n = 0;
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
                while (System.nanoTime() < end) {
                    n = n % maxChurned + 1;
                    if (store.contains(churned(n))) {
                        continue;
                    }
                    ObjectBuilder object = store.create(churned(n), sizeOf(n), 2);
                    fill(object.data(), n);
                    object.seal();
                    live.add(n);
                    if (live.size() > window) {
                        // not the oldest: a random one of the older half, so holes open all over the index
                        int skip = ThreadLocalRandom.current().nextInt(window / 2);
                        java.util.Iterator<Long> it = live.iterator();
                        long victim = it.next();
                        for (int i = 0; i < skip; i++) {
                            victim = it.next();
                        }
                        live.remove(victim);
                        store.delete(churned(victim));
                    }
                }
                long moves = store.indexMoves() - movesBefore;
                for (Future<long[]> reader : readers) {
                    long[] r = reader.get(30, TimeUnit.SECONDS);
                    System.out.println("reader: checks=" + r[0] + " hits=" + r[1] + " torn=" + r[2] + " absent=" + r[3]
                        + " (node: " + n + " creates, moved " + moves + " entries)");
                    assertEquals(0, r[2], "pinned bytes of another object: " + r[2] + " of " + r[1]);
                    assertEquals(0, r[3], "a never-deleted object looked absent " + r[3] + " times");
                    assertTrue(r[1] > 0, "the reader found objects");
                }
                assertTrue(moves > 100, "the index moved entries while the readers read: " + moves);
                for (long k = 1; k <= KEPT; k++) {
                    assertTrue(store.contains(kept(k)));
                }
            } finally {
                threads.shutdownNow();
            }
            String line = new String(process.getInputStream().readAllBytes()).trim();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
            System.out.println("other process: " + line);
            assertTrue(line.endsWith("torn=0 absent=0"), "the other process: " + line);
            assertTrue(!line.contains("hits=0 "), "the other process found objects: " + line);
        }
    }
}
