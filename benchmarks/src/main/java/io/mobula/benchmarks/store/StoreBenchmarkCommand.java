package io.mobula.benchmarks.store;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.mobula.command.CliCommand;
import io.mobula.command.UsageException;
import io.mobula.store.ObjectBuilder;
import io.mobula.store.ObjectId;
import io.mobula.store.ObjectView;
import io.mobula.store.StoreContext;
import io.mobula.store.arena.SharedArenaStore;
import io.mobula.worker.JvmCommand;

/**
 * {@code mobula store-benchmark}: the shared-memory store's own figures. Get latency from a second
 * process (another JVM mapping the arena), and spill and restore throughput against a plain
 * sequential write and read of the same bytes to the same disk, in the same run.
 */
public final class StoreBenchmarkCommand implements CliCommand {
    @Override
    public String name() {
        return "store-benchmark";
    }

    @Override
    public String summary() {
        return "measure the shared-memory store: get latency from another process, spill and restore speed";
    }

    @Override
    public String usage() {
        return "store-benchmark [--spill-mib N] [--churn-cycles N]";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        long spillMib = 1024;
        long churnCycles = 10_000_000;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--spill-mib") && i + 1 < args.size()) {
                spillMib = Long.parseLong(args.get(++i));
            } else if (args.get(i).equals("--churn-cycles") && i + 1 < args.size()) {
                churnCycles = Long.parseLong(args.get(++i));
            } else {
                throw new UsageException("unknown argument '" + args.get(i) + "'");
            }
        }
        err.print("store-benchmark: get latency from a second process...\r");
        String latency = remoteGetLatency();
        err.print("store-benchmark: spill and restore...                \r");
        double[] spill = spillAndRestore(spillMib);
        err.print("store-benchmark: fragmentation...                   \r");
        String fragmentation = fragmentation();
        err.print("store-benchmark: index after many creates/deletes...\r");
        String churn = churn(churnCycles);
        err.print("                                                     \r");
        out.println("remote get (lookup + pin + unpin, 1 MiB object, other JVM): " + latency);
        out.printf(Locale.ROOT, "spill:   %8.0f MB/s   plain sequential write, same disk: %8.0f MB/s   ratio %.2f%n",
            spill[0], spill[1], spill[0] / spill[1]);
        out.printf(Locale.ROOT, "restore: %8.0f MB/s   plain sequential read,  same disk: %8.0f MB/s   ratio %.2f%n",
            spill[2], spill[3], spill[2] / spill[3]);
        out.printf(Locale.ROOT, "(%d MiB through a 256 MiB arena in 8 MiB objects; files in the temp directory, page cache included)%n",
            spillMib);
        out.println("fragmentation: " + fragmentation);
        out.println("index churn: " + churn);
        return 0;
    }

    /**
     * Create + get + delete latency and a miss's latency on a fresh arena and on one that has run
     * {@code cycles} create/delete cycles first, its index three quarters full throughout, in
     * alternating rounds so that drift on the machine hits both alike.
     */
    private static String churn(long cycles) {
        int ops = 200_000;
        try (IndexChurn fresh = new IndexChurn(64L << 20, 41); IndexChurn aged = new IndexChurn(64L << 20, 51)) {
            long start = System.nanoTime();
            aged.churn(cycles);
            double churnSeconds = (System.nanoTime() - start) / 1e9;
            double[] best = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
            long sink = 0;
            for (int round = 0; round < 6; round++) {
                IndexChurn[] both = {fresh, aged};
                for (int which = 0; which < 2; which++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < ops; i++) {
                        sink += both[which].createGetDelete();
                    }
                    long t1 = System.nanoTime();
                    for (int i = 0; i < ops; i++) {
                        sink += both[which].miss() ? 1 : 0;
                    }
                    long t2 = System.nanoTime();
                    if (round > 0) { // the first round warms up
                        best[which * 2] = Math.min(best[which * 2], (t1 - t0) / (double) ops);
                        best[which * 2 + 1] = Math.min(best[which * 2 + 1], (t2 - t1) / (double) ops);
                    }
                }
            }
            return String.format(Locale.ROOT, "create+get+delete %.0f ns fresh, %.0f ns after %,d cycles (%.2fx); a miss "
                + "%.0f ns fresh, %.0f ns after (%.2fx) [%d slots, %d live, %.0f s of cycles, best of 5 rounds of %d; %d]",
                best[0], best[2], cycles, best[2] / best[0], best[1], best[3], best[3] / best[1], fresh.indexSlots(),
                fresh.liveObjects(), churnSeconds, ops, sink % 2);
        }
    }

    private static String remoteGetLatency() throws Exception {
        try (SharedArenaStore store = SharedArenaStore.inSharedMemory(new StoreContext().capacityBytes(64 << 20), false)) {
            ObjectId id = new ObjectId(21, 1);
            ObjectBuilder builder = store.create(id, 1 << 20, 2);
            builder.data().fill((byte) 7);
            builder.seal();
            Process process = new ProcessBuilder(JvmCommand.of(RemoteGetLatency.class,
                List.of(store.path().toString(), id.toString(), "200000"))).redirectErrorStream(true).start();
            String line = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            process.waitFor(60, TimeUnit.SECONDS);
            return line;
        }
    }

    /** @return {spill MB/s, plain write MB/s, restore MB/s, plain read MB/s} */
    private static double[] spillAndRestore(long totalMib) throws Exception {
        int objectBytes = 8 << 20;
        int objects = (int) (totalMib / 8);
        Path spillDir = SharedArenaStore.defaultSpillDirectory();
        double spillMbs;
        double restoreMbs;
        try (SharedArenaStore store = SharedArenaStore.inSharedMemory(new StoreContext().capacityBytes(256 << 20)
            .spillDirectory(spillDir), false)) {
            List<ObjectId> ids = new ArrayList<>();
            long spilledBefore = 0;
            long start = 0;
            for (int i = 0; i < objects; i++) {
                if (store.stats().usedBytes() + objectBytes > (256 << 20) && start == 0) {
                    start = System.nanoTime(); // from here on, every put spills
                    spilledBefore = store.stats().spilledBytes();
                }
                ObjectId id = new ObjectId(22, i + 1);
                ObjectBuilder builder = store.create(id, objectBytes, 2);
                builder.data().fill((byte) i);
                builder.seal();
                ids.add(id);
            }
            long spilled = store.stats().spilledBytes() - spilledBefore;
            spillMbs = spilled / 1e6 / ((System.nanoTime() - start) / 1e9);
            long restored = 0;
            start = System.nanoTime();
            for (ObjectId id : ids) {
                boolean wasSpilled = store.isSpilled(id);
                try (ObjectView view = store.get(id, 0)) {
                    restored += wasSpilled ? view.data().byteSize() : 0;
                }
            }
            restoreMbs = restored / 1e6 / ((System.nanoTime() - start) / 1e9);
        }
        double[] plain = plainDisk(totalMib, objectBytes);
        return new double[] {spillMbs, plain[0], restoreMbs, plain[1]};
    }

    /**
     * A long random run of puts (1 KiB .. 320 KiB, a quarter of them large) and deletes holding the
     * arena 50–70% full; reports how much of the free space one put could still use (the largest
     * free block over all free bytes) at the end, and how many puts found no block.
     */
    private static String fragmentation() {
        java.util.Random random = new java.util.Random(7);
        long capacity = 64 << 20;
        try (SharedArenaStore store = SharedArenaStore.inSharedMemory(new StoreContext().capacityBytes(capacity)
            .createTimeoutNs(0), false)) {
            java.util.ArrayList<ObjectId> live = new java.util.ArrayList<>();
            long next = 1;
            int puts = 0;
            int refused = 0;
            double worstUsable = 1;
            for (int step = 0; step < 200_000; step++) {
                long used = store.stats().usedBytes();
                if (!live.isEmpty() && (used > capacity * 0.7 || used > capacity / 2 && random.nextBoolean())) {
                    store.delete(live.remove(random.nextInt(live.size())));
                    continue;
                }
                int size = random.nextInt(4) == 0 ? 64 * 1024 + random.nextInt(256 * 1024) : 1024 + random.nextInt(16 * 1024);
                puts++;
                try {
                    ObjectId id = new ObjectId(23, next++);
                    store.create(id, size, 2).seal();
                    live.add(id);
                } catch (io.mobula.store.StoreFullException e) {
                    refused++;
                }
                if (step % 1000 == 999) {
                    worstUsable = Math.min(worstUsable, store.largestFreeFraction());
                }
            }
            return String.format(Locale.ROOT, "after 200k random puts/deletes at 50-70%% full: largest free block = %.0f%% of free "
                + "bytes (worst sampled %.0f%%); %d of %d puts found no block (%.3f%%)", 100 * store.largestFreeFraction(),
                100 * worstUsable, refused, puts, 100.0 * refused / puts);
        }
    }

    /** A plain sequential write then read of the same bytes in 8 MiB writes: {write MB/s, read MB/s}. */
    private static double[] plainDisk(long totalMib, int chunk) throws Exception {
        Path file = Files.createTempFile("mobula-disk-baseline", ".bin");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment source = arena.allocate(chunk);
            source.fill((byte) 1);
            ByteBuffer buffer = source.asByteBuffer();
            long bytes = totalMib << 20;
            long start = System.nanoTime();
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                for (long written = 0; written < bytes; written += chunk) {
                    buffer.clear();
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                }
            }
            double write = bytes / 1e6 / ((System.nanoTime() - start) / 1e9);
            start = System.nanoTime();
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                long read = 0;
                while (read < bytes) {
                    buffer.clear();
                    int n = channel.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    read += n;
                }
            }
            double readMbs = bytes / 1e6 / ((System.nanoTime() - start) / 1e9);
            return new double[] {write, readMbs};
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
