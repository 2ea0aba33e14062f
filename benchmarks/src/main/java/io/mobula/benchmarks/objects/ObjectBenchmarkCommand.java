package io.mobula.benchmarks.objects;

import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.aeron.Aeron;
import io.mobula.benchmarks.transport.RawUdpThroughput;
import io.mobula.command.CliCommand;
import io.mobula.command.UsageException;
import io.mobula.cluster.objects.ObjectManager;
import io.mobula.cluster.objects.ObjectManagerContext;
import io.mobula.store.InProcessObjectStore;
import io.mobula.store.ObjectBuilder;
import io.mobula.store.ObjectId;
import io.mobula.store.ObjectStore;
import io.mobula.store.ObjectView;
import io.mobula.store.StoreContext;
import io.mobula.transport.ClusterSecret;
import io.mobula.transport.EmbeddedTransport;

/**
 * {@code mobula object-benchmark}: what the object manager moves between nodes.
 * <ul>
 *   <li><b>pull</b>: one object pulled from one node's store into another's, from {@code pull()} to
 *       the sealed object (requests, transfer, seal), against raw Aeron UDP throughput measured in
 *       the same run;</li>
 *   <li><b>broadcast</b>: one object pulled by several nodes at once: the time until every one has
 *       it, and the bytes the source sent against object size x receivers.</li>
 * </ul>
 * Every node here is an object manager with its own store and UDP endpoint on loopback, and all of
 * them share one media driver, as the raw baseline does: on 2 cores one driver thread per node
 * would measure the scheduler. Both ends of the pull use memory touched beforehand (the receiving
 * store reuses the block freed by the previous round), as the raw baseline's target is.
 */
public final class ObjectBenchmarkCommand implements CliCommand {
    private static final long MIB = 1 << 20;
    private static final int ROUNDS = 3;
    private static final int SMALL_PULLS = 200;

    @Override
    public String name() {
        return "object-benchmark";
    }

    @Override
    public String summary() {
        return "measure object pulls between nodes against raw Aeron UDP, and a broadcast to several nodes";
    }

    @Override
    public String usage() {
        return "object-benchmark [--mib N] [--broadcast-mib N] [--receivers N] [--max-sends N]";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        long mib = 1024;
        long broadcastMib = 256;
        int receivers = 4;
        int maxSends = 1;
        for (int i = 0; i < args.size(); i++) {
            String flag = args.get(i);
            if (i + 1 >= args.size()) {
                throw new UsageException("'" + flag + "' needs a value");
            }
            long value;
            try {
                value = Long.parseLong(args.get(++i));
            } catch (NumberFormatException e) {
                throw new UsageException("'" + flag + "' takes a whole number, got '" + args.get(i) + "'");
            }
            if (value < 1) {
                throw new UsageException("'" + flag + "' must be at least 1, got " + value);
            }
            switch (flag) {
                case "--mib" -> mib = value;
                case "--broadcast-mib" -> broadcastMib = value;
                case "--receivers" -> receivers = (int) Math.min(value, 64);
                case "--max-sends" -> maxSends = (int) Math.min(value, 64);
                default -> throw new UsageException("unknown argument '" + flag + "'");
            }
        }
        ClusterSecret secret = ClusterSecret.generate();
        double raw = 0;
        double pulled = 0;
        for (int round = 0; round < ROUNDS; round++) { // best of three each, interleaved
            err.printf("\robject-benchmark: pull round %d of %d", round + 1, ROUNDS);
            raw = Math.max(raw, RawUdpThroughput.measure(mib * MIB));
            pulled = Math.max(pulled, pullThroughput(secret, mib * MIB));
        }
        err.printf("\robject-benchmark: small pulls                        ");
        double smallMicros = smallPullMicros(secret);
        err.printf("\robject-benchmark: broadcast to %d receivers          ", receivers);
        Broadcast broadcast = broadcast(secret, broadcastMib * MIB, receivers, maxSends);
        err.print("\r                                                    \r");
        out.printf(Locale.ROOT, "raw Aeron UDP (loopback, mtu 8192):        %6.2f GB/s%n", raw);
        out.printf(Locale.ROOT, "object pulled store to store:              %6.2f GB/s   %.0f%% of raw (target >= 80%%)%n",
            pulled, 100 * pulled / raw);
        out.printf(Locale.ROOT, "(%d MiB, best of %d, pull() to sealed; every node on one media driver over UDP loopback)%n",
            mib, ROUNDS);
        out.printf(Locale.ROOT, "a 64 KiB object pulled, median of %d:      %6.0f us   (two request round trips, then the chunks)%n",
            SMALL_PULLS, smallMicros);
        out.printf(Locale.ROOT, "broadcast of %d MiB to %d receivers:       %6.0f ms   (one pull alone at the rate above: %.0f ms)%n",
            broadcastMib, receivers, broadcast.millis, broadcastMib * MIB / 1e6 / pulled);
        out.printf(Locale.ROOT, "  sent by the source:                      %6d MiB = %.2f x object size; object size x receivers = %d MiB%n",
            broadcast.sourceBytes / MIB, (double) broadcast.sourceBytes / (broadcastMib * MIB), broadcastMib * receivers);
        out.printf(Locale.ROOT, "  sent by receivers that already held it:  %6d MiB   (%d sends by the source, %d by holders; "
            + "max %d concurrent sends per node; best of %d)%n", broadcast.holderBytes / MIB, broadcast.sourceSends,
            broadcast.holderSends, maxSends, ROUNDS);
        return 0;
    }

    private static ObjectManager manager(Aeron aeron, ObjectStore store, ClusterSecret secret, int maxSends) {
        return new ObjectManager(new ObjectManagerContext().aeron(aeron).store(store).secret(secret).maxConcurrentSends(maxSends));
    }

    private static void fill(ObjectStore store, ObjectId id, long bytes) {
        ObjectBuilder builder = store.create(id, bytes, 2);
        builder.data().fill((byte) 1);
        builder.seal();
    }

    /** GB/s of the best of one warm-up and {@link #ROUNDS} pulls, each into a block the previous one freed. */
    private static double pullThroughput(ClusterSecret secret, long bytes) throws Exception {
        ObjectId id = new ObjectId(1, 1);
        try (EmbeddedTransport transport = new EmbeddedTransport();
             ObjectStore sourceStore = new InProcessObjectStore(new StoreContext().capacityBytes(bytes + MIB));
             ObjectStore targetStore = new InProcessObjectStore(new StoreContext().capacityBytes(bytes + MIB));
             ObjectManager source = manager(transport.aeron(), sourceStore, secret, 1);
             ObjectManager target = manager(transport.aeron(), targetStore, secret, 1)) {
            fill(sourceStore, id, bytes);
            double best = 0;
            for (int i = 0; i <= 1; i++) { // the first touches the target's memory
                long start = System.nanoTime();
                try (ObjectView view = target.pull(id, source.address()).get(120, TimeUnit.SECONDS)) {
                    long nanos = System.nanoTime() - start;
                    check(view.data(), bytes);
                    best = Math.max(best, bytes / (double) nanos);
                }
                targetStore.delete(id);
            }
            return best;
        }
    }

    /** Median microseconds from {@code pull()} to the sealed object, for a 64 KiB object, each pull a new id. */
    private static double smallPullMicros(ClusterSecret secret) throws Exception {
        long bytes = 64 * 1024;
        try (EmbeddedTransport transport = new EmbeddedTransport();
             ObjectStore sourceStore = new InProcessObjectStore(new StoreContext().capacityBytes(SMALL_PULLS * bytes + MIB));
             ObjectStore targetStore = new InProcessObjectStore(new StoreContext().capacityBytes(SMALL_PULLS * bytes + MIB));
             ObjectManager source = manager(transport.aeron(), sourceStore, secret, 1);
             ObjectManager target = manager(transport.aeron(), targetStore, secret, 1)) {
            long[] nanos = new long[SMALL_PULLS];
            for (int i = -20; i < SMALL_PULLS; i++) { // 20 to warm up
                ObjectId id = new ObjectId(3, i + 20);
                fill(sourceStore, id, bytes);
                long start = System.nanoTime();
                target.pull(id, source.address()).get(30, TimeUnit.SECONDS).close();
                if (i >= 0) {
                    nanos[i] = System.nanoTime() - start;
                }
                targetStore.delete(id);
                sourceStore.delete(id);
            }
            java.util.Arrays.sort(nanos);
            return nanos[SMALL_PULLS / 2] / 1e3;
        }
    }

    private record Broadcast(double millis, long sourceBytes, long holderBytes, long sourceSends, long holderSends) {
    }

    private static Broadcast broadcast(ClusterSecret secret, long bytes, int receivers, int maxSends) throws Exception {
        List<AutoCloseable> open = new ArrayList<>(); // closed in reverse: managers before the stores and the driver
        try {
            EmbeddedTransport transport = new EmbeddedTransport();
            open.add(transport);
            ObjectStore sourceStore = new InProcessObjectStore(new StoreContext().capacityBytes(bytes + MIB));
            open.add(sourceStore);
            ObjectManager source = manager(transport.aeron(), sourceStore, secret, maxSends);
            open.add(source);
            List<ObjectStore> stores = new ArrayList<>();
            List<ObjectManager> managers = new ArrayList<>();
            for (int i = 0; i < receivers; i++) {
                ObjectStore store = new InProcessObjectStore(new StoreContext().capacityBytes(bytes + MIB));
                open.add(store);
                stores.add(store);
                ObjectManager manager = manager(transport.aeron(), store, secret, maxSends);
                open.add(manager);
                managers.add(manager);
            }
            Broadcast best = null;
            for (int round = 0; round <= ROUNDS; round++) { // round 0 touches every receiver's memory
                ObjectId id = new ObjectId(2, round);
                fill(sourceStore, id, bytes);
                long sourceBefore = source.bytesSent();
                long sourceSendsBefore = source.sendsStarted();
                long holdersBefore = managers.stream().mapToLong(ObjectManager::bytesSent).sum();
                long holderSendsBefore = managers.stream().mapToLong(ObjectManager::sendsStarted).sum();
                long start = System.nanoTime();
                List<CompletableFuture<ObjectView>> pulls = new ArrayList<>();
                for (ObjectManager manager : managers) {
                    pulls.add(manager.pull(id, source.address()));
                }
                for (CompletableFuture<ObjectView> pull : pulls) {
                    pull.get(300, TimeUnit.SECONDS).close();
                }
                double millis = (System.nanoTime() - start) / 1e6;
                Broadcast result = new Broadcast(millis, source.bytesSent() - sourceBefore,
                    managers.stream().mapToLong(ObjectManager::bytesSent).sum() - holdersBefore,
                    source.sendsStarted() - sourceSendsBefore,
                    managers.stream().mapToLong(ObjectManager::sendsStarted).sum() - holderSendsBefore);
                for (ObjectStore store : stores) {
                    try (ObjectView view = store.get(id, 0)) {
                        check(view.data(), bytes);
                    }
                    store.delete(id);
                }
                sourceStore.delete(id);
                source.forget(id);
                managers.forEach(m -> m.forget(id));
                if (round > 0 && (best == null || result.millis() < best.millis())) {
                    best = result;
                }
            }
            return best;
        } finally {
            for (AutoCloseable c : open.reversed()) {
                c.close();
            }
        }
    }

    /** The object arrived whole: its size, and its first and last bytes as filled. */
    private static void check(MemorySegment data, long bytes) {
        if (data.byteSize() != bytes || data.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0) != 1
            || data.get(java.lang.foreign.ValueLayout.JAVA_BYTE, bytes - 1) != 1) {
            throw new IllegalStateException("the pulled object is not what was sent");
        }
    }
}
