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
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mobula.jvm.JvmFlags;
import io.mobula.store.ObjectBuilder;
import io.mobula.store.ObjectId;
import io.mobula.store.ObjectView;
import io.mobula.store.StoreContext;

/**
 * The slot protocol under load: the node creates, seals and deletes objects as fast as it can while
 * readers in this process and in another one pin random ids. Every object a reader gets must carry
 * the bytes its id implies (no torn or reused reads), and every object the node holds must be found.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ArenaStressTest {
    private static final int WINDOW = 200;
    private static final long SECONDS = 3;

    /** Object {@code n}'s bytes: its id repeated, so a reader can tell any other object's bytes. */
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

    static long sizeOf(long n) {
        return 4096 + (n % 16) * 4096;
    }

    /** @return {checks, hits, torn} */
    static long[] readFor(StressReaderMain.Getter getter, long nanos, long maxId) {
        long end = System.nanoTime() + nanos;
        long checks = 0;
        long hits = 0;
        long torn = 0;
        while (System.nanoTime() < end) {
            long n = StressReaderMain.pick(maxId);
            try (ObjectView view = getter.get(StressReaderMain.id(n), 0)) {
                checks++;
                if (view == null) {
                    continue;
                }
                hits++;
                if (!intact(view.data(), n)) {
                    torn++;
                }
            }
        }
        return new long[] {checks, hits, torn};
    }

    @Test
    void readersInTwoProcessesNeverSeeTornOrReusedBytes() throws Exception {
        try (SharedArenaStore store = SharedArenaStore.inSharedMemory(new StoreContext().capacityBytes(32 << 20), false)) {
            long maxId = 200_000;
            ExecutorService threads = Executors.newFixedThreadPool(2);
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
            command.addAll(JvmFlags.all());
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), StressReaderMain.class.getName(),
                store.path().toString(), Long.toString(SECONDS), Long.toString(WINDOW * 60L)));
            ProcessBuilder builder = new ProcessBuilder(command);
            Process process = builder.redirectErrorStream(true).start();
            try (ArenaReader sameProcess = new ArenaReader(store.path())) {
                List<Future<long[]>> readers = new ArrayList<>();
                readers.add(threads.submit(() -> readFor(sameProcess::get, SECONDS * 1_000_000_000L, WINDOW * 60L)));
                readers.add(threads.submit(() -> readFor(store::get, SECONDS * 1_000_000_000L, WINDOW * 60L)));
                // The writer: a sliding window of live objects; ids recycle slots and blocks constantly.
                ArrayDeque<Long> live = new ArrayDeque<>();
                long n = 0;
                long lost = 0;
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
                while (System.nanoTime() < end) {
                    n = n % (WINDOW * 60L) + 1;
                    if (store.contains(StressReaderMain.id(n))) {
                        continue;
                    }
                    ObjectBuilder object = store.create(StressReaderMain.id(n), sizeOf(n), 2);
                    fill(object.data(), n);
                    object.seal();
                    live.add(n);
                    if (live.size() > WINDOW) {
                        long old = live.poll();
                        if (!store.contains(StressReaderMain.id(old))) {
                            lost++;
                        }
                        store.delete(StressReaderMain.id(old));
                    }
                }
                for (Future<long[]> reader : readers) {
                    long[] r = reader.get(30, TimeUnit.SECONDS);
                    assertEquals(0, r[2], "torn reads in this process: " + r[2] + " of " + r[1]);
                    assertTrue(r[1] > 0, "the readers found objects");
                    System.out.println("reader: checks=" + r[0] + " hits=" + r[1] + " torn=" + r[2]);
                }
                assertEquals(0, lost, "objects the node held went missing");
            }
            String line = new String(process.getInputStream().readAllBytes()).trim();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
            System.out.println("other process: " + line);
            assertTrue(line.endsWith("torn=0"), "the other process: " + line);
            assertTrue(!line.contains("hits=0 "), "the other process found objects: " + line);
            threads.shutdownNow();
        }
    }
}
