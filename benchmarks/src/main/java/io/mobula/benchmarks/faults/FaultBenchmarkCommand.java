package io.mobula.benchmarks.faults;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.mobula.Mobula;
import io.mobula.NodeInfo;
import io.mobula.ObjectRef;
import io.mobula.SchedulingStrategy;
import io.mobula.command.CliCommand;
import io.mobula.command.Flags;
import io.mobula.cli.StartCommand;
import io.mobula.cli.StopCommand;
import io.mobula.command.UsageException;
import io.mobula.cluster.host.NodeRecord;
import io.mobula.cluster.host.StateDirectory;

/**
 * {@code mobula fault-benchmark}: what a node's death costs. A head and a second node are started
 * as daemons (in a private state directory, on loopback), a driver connects to the head and has
 * {@code --objects} results made on the second node (each larger than the inline threshold, so it
 * stays there). The node is killed (SIGKILL); the figures are the time until the cluster reports it
 * dead, and the time to read every result again — each one rebuilt from its lineage on the head —
 * against the time it took to make them in the first place, in the same run. The second node also
 * lends the driver refs to small values of its own (nested in a result): the time a borrowed
 * {@code get} takes (a round trip to the owner), and how long after the kill a borrower reading
 * one in a loop gets {@code OwnerDiedException}.
 */
public final class FaultBenchmarkCommand implements CliCommand {
    @Override
    public String name() {
        return "fault-benchmark";
    }

    @Override
    public String summary() {
        return "measure how long a killed node takes to be declared dead, and to rebuild its objects from lineage";
    }

    @Override
    public String usage() {
        return "fault-benchmark [--objects N] [--kib N] [--dead-after-ms N]";
    }

    /**
     * A result of {@code kib} KiB whose bytes depend on {@code seed}: large enough to stay on its
     * node. Its first 8 bytes name the process that made it.
     */
    public static byte[] payload(int seed, int kib) {
        byte[] bytes = new byte[kib << 10];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31 + seed);
        }
        java.nio.ByteBuffer.wrap(bytes).putLong(0, ProcessHandle.current().pid());
        return bytes;
    }

    /** Work on a node that lends refs of its own: {@code count} small values it puts. */
    public static List<ObjectRef<String>> lend(int count) {
        Mobula here = Mobula.current();
        List<ObjectRef<String>> refs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            refs.add(here.put("borrowed " + i));
        }
        return refs;
    }

    private static final int BORROWED = 1000;

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        int objects = 100;
        int kib = 256;
        long deadAfterMs = 1000;
        for (int i = 0; i < args.size(); i++) {
            String flag = args.get(i);
            switch (flag) {
                case "--objects" -> objects = (int) Math.min(100_000, Flags.positive(Flags.value(args, ++i, flag), flag));
                case "--kib" -> kib = (int) Math.min(64 << 10, Flags.positive(Flags.value(args, ++i, flag), flag));
                case "--dead-after-ms" -> deadAfterMs = Flags.positive(Flags.value(args, ++i, flag), flag);
                default -> throw new UsageException("unknown argument '" + flag + "'");
            }
        }
        Path home = Files.createTempDirectory("mobula-fault-benchmark");
        String previous = System.getProperty("mobula.home");
        System.setProperty("mobula.home", home.toString());
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        try {
            int port = io.mobula.transport.AeronChannels.freeUdpPort();
            String head = "127.0.0.1:" + port;
            err.print("fault-benchmark: starting a head and a node...");
            if (new StartCommand().run(List.of("--head", "--port", Integer.toString(port), "--dead-after-ms",
                Long.toString(deadAfterMs), "--resources", "{\"CPU\":2}"), quiet, quiet) != 0
                || new StartCommand().run(List.of("--address", head, "--resources", "{\"CPU\":2}"), quiet, quiet) != 0) {
                throw new IllegalStateException("could not start the nodes for the benchmark");
            }
            try (Mobula driver = Mobula.init(head)) {
                NodeInfo doomed = awaitSecondNode(driver);
                SchedulingStrategy there = SchedulingStrategy.nodeAffinity(doomed.id(), true);
                err.printf("\rfault-benchmark: making %d objects of %d KiB on the second node...", objects, kib);
                makeAll(driver, there, objects, kib); // a warm-up round: both nodes' code paths compiled, dropped
                long makeStart = System.nanoTime();
                List<ObjectRef<byte[]>> made = makeAll(driver, there, objects, kib);
                long makeNs = System.nanoTime() - makeStart;

                err.printf("\rfault-benchmark: reading %d borrowed refs...                          ", BORROWED);
                List<ObjectRef<String>> borrowed = driver.task(FaultBenchmarkCommand::lend, BORROWED).scheduling(there).remote()
                    .get();
                readAll(borrowed); // warm-up
                long borrowStart = System.nanoTime();
                readAll(borrowed);
                long borrowNs = System.nanoTime() - borrowStart;

                NodeRecord node = new StateDirectory(home).nodes().stream().filter(n -> !n.head() && n.alive()).findFirst()
                    .orElseThrow();
                err.print("\rfault-benchmark: killing the node...                                   ");
                java.util.concurrent.CompletableFuture<Long> ownerDeathSeen = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> awaitOwnerDied(borrowed.getFirst()), java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
                long killedAt = System.nanoTime();
                ProcessHandle.of(node.pid()).orElseThrow().destroyForcibly();
                long detectNs = awaitDead(driver, doomed.id()) - killedAt;
                long ownerDeathNs = ownerDeathSeen.get(60, TimeUnit.SECONDS) - killedAt;

                // The driver hears of deaths from its own view of the cluster, refreshed every second; until then a node on
                // this host may still be read from its arena (its memory outlives it). Wait for that, to time rebuilds only.
                Thread.sleep(DRIVER_VIEW_REFRESH_MS + 200);
                err.print("\rfault-benchmark: reading every object again (rebuilt from lineage)...");
                long rebuildStart = System.nanoTime();
                for (int i = 0; i < objects; i++) {
                    byte[] again = made.get(i).get();
                    if (again.length != kib << 10 || again[again.length - 1] != (byte) ((again.length - 1) * 31 + i)) {
                        throw new IllegalStateException("object " + i + " came back wrong");
                    }
                    if (maker(again) == doomed.pid()) {
                        throw new IllegalStateException("object " + i + " was read from the dead node, not made again");
                    }
                }
                long rebuildNs = System.nanoTime() - rebuildStart;

                err.print("\r                                                                        \r");
                out.printf(Locale.ROOT, "node loss detected:          %6d ms after SIGKILL (dead-after %d ms, counted from the "
                    + "node's last heartbeat; beats every 1000 ms, checked every %d ms: bound %d ms)%n",
                    TimeUnit.NANOSECONDS.toMillis(detectNs), deadAfterMs, deadAfterMs / 4, deadAfterMs + deadAfterMs / 4);
                out.printf(Locale.ROOT, "%d objects rebuilt:          %6d ms  (%.2f ms each; each its task run again on the head)%n",
                    objects, TimeUnit.NANOSECONDS.toMillis(rebuildNs), rebuildNs / 1e6 / objects);
                out.printf(Locale.ROOT, "the same objects first made: %6d ms  (made there and each read once, after a "
                    + "warm-up round; rebuild / first make = %.2f)%n",
                    TimeUnit.NANOSECONDS.toMillis(makeNs), (double) rebuildNs / makeNs);
                out.printf(Locale.ROOT, "%d borrowed refs read:      %6d ms  (%.0f us each: a round trip to their owner, "
                    + "the second node)%n", BORROWED, TimeUnit.NANOSECONDS.toMillis(borrowNs), borrowNs / 1e3 / BORROWED);
                out.printf(Locale.ROOT, "a borrower told its owner died: %6d ms after SIGKILL (OwnerDiedException, reading "
                    + "in a loop)%n", TimeUnit.NANOSECONDS.toMillis(ownerDeathNs));
                out.printf(Locale.ROOT, "(%d KiB each; a driver connected to the head; both nodes on loopback, each a process)%n", kib);
            }
        } finally {
            new StopCommand().run(List.of(), quiet, quiet);
            if (previous == null) {
                System.clearProperty("mobula.home");
            } else {
                System.setProperty("mobula.home", previous);
            }
        }
        return 0;
    }

    private static final long DRIVER_VIEW_REFRESH_MS = 1000;

    /** The process that made a payload: its first 8 bytes. */
    private static long maker(byte[] payload) {
        return java.nio.ByteBuffer.wrap(payload).getLong(0);
    }

    /** {@code objects} results made on the node {@code there} names, each read once (so made, and warm). */
    private static List<ObjectRef<byte[]>> makeAll(Mobula driver, SchedulingStrategy there, int objects, int kib) {
        List<ObjectRef<byte[]>> made = new ArrayList<>();
        for (int i = 0; i < objects; i++) {
            made.add(driver.task(FaultBenchmarkCommand::payload, i, kib).scheduling(there).remote());
        }
        for (ObjectRef<byte[]> ref : made) {
            ref.get();
        }
        return made;
    }

    private static void readAll(List<ObjectRef<String>> borrowed) {
        for (int i = 0; i < borrowed.size(); i++) {
            if (!borrowed.get(i).get().equals("borrowed " + i)) {
                throw new IllegalStateException("borrowed object " + i + " came back wrong");
            }
        }
    }

    /** Reads {@code ref} until its owner is said to have died. @return System.nanoTime() then. */
    private static long awaitOwnerDied(ObjectRef<String> ref) {
        while (true) {
            try {
                ref.get();
            } catch (io.mobula.OwnerDiedException e) {
                return System.nanoTime();
            } catch (io.mobula.MobulaException e) {
                throw new IllegalStateException("reading a borrowed ref failed otherwise: " + e, e);
            }
        }
    }

    private static NodeInfo awaitSecondNode(Mobula driver) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (NodeInfo node : driver.nodes()) {
                if (!node.head() && node.alive()) {
                    return node;
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the second node did not join within 30 s");
    }

    /** @return System.nanoTime() when the cluster first reported the node dead. */
    private static long awaitDead(Mobula driver, String id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            for (NodeInfo node : driver.nodes()) {
                if (node.id().equals(id) && !node.alive()) {
                    return System.nanoTime();
                }
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("the killed node was not declared dead within 60 s");
    }
}
