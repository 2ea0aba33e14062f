package io.mobula.benchmarks.transport;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.mobula.command.CliCommand;
import io.mobula.command.UsageException;
import io.mobula.transport.ChunkReceiver;
import io.mobula.transport.ChunkSender;
import io.mobula.transport.EmbeddedTransport;

/**
 * {@code mobula transport-benchmark}: an object sent in chunks over Aeron UDP on loopback against raw
 * Aeron UDP throughput with the same frame size, in the same run. One media driver serves both ends
 * (on 2 cores, two drivers' threads plus both ends' would measure the scheduler); both ends use
 * memory touched beforehand.
 */
public final class TransferBenchmarkCommand implements CliCommand {
    private static final int STREAM = 3101;

    @Override
    public String name() {
        return "transport-benchmark";
    }

    @Override
    public String summary() {
        return "measure chunked object transfers over Aeron UDP against raw Aeron throughput";
    }

    @Override
    public String usage() {
        return "transport-benchmark [--mib N]";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        long mib = 1024;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--mib") && i + 1 < args.size()) {
                mib = Long.parseLong(args.get(++i));
            } else {
                throw new UsageException("unknown argument '" + args.get(i) + "'");
            }
        }
        long bytes = mib << 20;
        MemorySegment source = Arena.ofAuto().allocate(bytes, 64);
        source.fill((byte) 1);
        MemorySegment target = Arena.ofAuto().allocate(bytes, 64);
        target.fill((byte) 0);
        double raw = 0;
        double chunked = 0;
        for (int round = 0; round < 3; round++) { // the best of three, each a fresh pair of drivers
            err.printf("\rtransport-benchmark: round %d of 3", round + 1);
            raw = Math.max(raw, RawUdpThroughput.measure(bytes));
            chunked = Math.max(chunked, chunkedThroughput(source, target));
        }
        err.print("\r                                       \r");
        out.printf(Locale.ROOT, "raw Aeron UDP (loopback, mtu 8192):   %6.2f GB/s%n", raw);
        out.printf(Locale.ROOT, "object in chunks into its target:     %6.2f GB/s   %.0f%% of raw (target >= 80%%)%n",
            chunked, 100 * chunked / raw);
        out.printf(Locale.ROOT, "(%d MiB, best of 3, one media driver sending to itself over UDP loopback, 2 cores)%n", mib);
        return 0;
    }

    private static String channel() {
        return RawUdpThroughput.channel();
    }

    private static double chunkedThroughput(MemorySegment source, MemorySegment target) throws Exception {
        String channel = channel();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (EmbeddedTransport a = new EmbeddedTransport();
             Subscription subscription = a.aeron().addSubscription(channel, STREAM);
             ExclusivePublication publication = a.aeron().addExclusivePublication(channel, STREAM)) {
            long[] startNs = new long[1];
            CompletableFuture<Long> done = new CompletableFuture<>();
            ChunkReceiver receiver = new ChunkReceiver(subscription, new ChunkReceiver.Targets() {
                @Override
                public MemorySegment open(long transferId, long size) {
                    startNs[0] = System.nanoTime();
                    return target;
                }

                @Override
                public void complete(long transferId, MemorySegment landed) {
                    done.complete(System.nanoTime() - startNs[0]);
                }
            });
            pool.submit(() -> {
                org.agrona.concurrent.IdleStrategy idle = new org.agrona.concurrent.BackoffIdleStrategy();
                while (!done.isDone()) {
                    idle.idle(receiver.poll(64));
                }
            });
            new ChunkSender(publication).send(7, source, TimeUnit.SECONDS.toNanos(60));
            long nanos = done.get(60, TimeUnit.SECONDS);
            return source.byteSize() / 1e9 / (nanos / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }
}
