package io.mobula.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.mobula.ActorHandle;
import io.mobula.Mobula;
import io.mobula.NodeInfo;
import io.mobula.ObjectRef;
import io.mobula.SchedulingStrategy;

/**
 * A seeded workload of 11,060 tasks with dependencies and 3,000 calls to six stateful actors, over
 * a head and two nodes in network namespaces of their own: run once without failures, then again
 * while non-head nodes are killed (SIGKILL) and started again at seeded moments. The second run's
 * results equal the first's. The seed is printed; {@code -Dmobula.chaos.seed=N} replays one.
 * <p>
 * Chunks (128 KiB, so they stay on the node that made them) are spread over the hosts; score tasks
 * read them where they live, and every tenth score is asked of one of three scorer actors (one per
 * host, each with a memo: state a restart loses without changing an answer, their calls retried
 * after a restart); combine tasks take five scores each; three summing actors (on the head, which
 * this test does not kill, their state kept) sum the combined values. A killed node's running tasks
 * run again elsewhere, and the chunks it held are made again from their lineage when a score needs
 * them.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ChaosTest {
    private static final long DEAD_AFTER_MS = 1500;
    private static final int CHUNKS = 60;
    private static final int CHUNK_LONGS = 16 << 10;
    private static final int WAVES = 10;
    private static final int WARM_UP_WAVES = 3;
    private static final int SCORES_PER_WAVE = 1000;
    private static final int SCORES_PER_COMBINE = 5;
    private static final int AGGREGATORS = 3;
    private static final int SCORED_BY_ACTORS = 10;

    @TempDir
    Path home;

    static long[] chunk(long seed, int index) {
        Random random = new Random(seed * 31 + index);
        long[] values = new long[CHUNK_LONGS];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextInt(1000);
        }
        return values;
    }

    static long score(long[] chunk, int j) {
        long sum = 0;
        for (int k = 0; k < 64; k++) {
            sum += chunk[(int) Math.floorMod(j * 7919L + k * 131L, (long) chunk.length)] * (k + 1);
        }
        return sum;
    }

    static long combine(long a, long b, long c, long d, long e) {
        return (((a * 31 + b) * 31 + c) * 31 + d) * 31 + e;
    }

    /** A running sum: the actors' state. */
    static final class Sum {
        private long total;

        Sum() {
        }

        long add(long value) {
            total += value;
            return total;
        }
    }

    /**
     * Scores with a memo of what it scored before: state that a restart loses without changing any
     * answer. One lives on each host, so kills restart them.
     */
    static final class Scorer {
        private final java.util.Map<Long, Long> memo = new java.util.HashMap<>();

        Scorer() {
        }

        long score(long[] chunk, int chunkIndex, int j) {
            return memo.computeIfAbsent(((long) chunkIndex << 32) | j, key -> ChaosTest.score(chunk, j));
        }
    }

    /** What a run produced: every combined value, each actor's final sum, and how often the scorers were built again. */
    private record Outcome(long[] combined, long[] sums, int scorerRestarts, long millis) {
    }

    @Test
    void aSeededWorkloadEndsWithTheSameResultsWhileNodesAreKilledAndRestarted() throws Exception {
        String why = NamespacedHosts.unavailableReason();
        assumeTrue(why == null, why);
        long seed = Long.getLong("mobula.chaos.seed", System.nanoTime());
        System.out.println("chaos seed " + seed + " (replay: -Dmobula.chaos.seed=" + seed + ")");
        try (NamespacedCluster net = NamespacedCluster.start(home, List.of("--dead-after-ms", Long.toString(DEAD_AFTER_MS)))) {
            String headAddress = net.headAddress();
            try (Mobula driver = Mobula.init(headAddress)) {
                List<NodeInfo> cluster = NamespacedCluster.awaitNodes(driver, 3);
                cluster.forEach(node -> System.out.println("node " + node.id() + " at " + node.address()));
                run(driver, cluster, seed, WARM_UP_WAVES, wave -> { }); // compiled code on every JVM before either timed run
                Outcome calm = run(driver, cluster, seed, WAVES, wave -> { });
                System.out.printf("failure-free run: %d ms%n", calm.millis());

                Random schedule = new Random(seed);
                int firstKill = 1 + schedule.nextInt(3);
                int secondKill = firstKill + 3 + schedule.nextInt(2);
                List<CompletableFuture<Void>> restarts = new ArrayList<>();
                int[] killed = {0};
                long[] waitedNs = {0}; // the schedule waiting for a victim to be back: not the runtime's time
                Outcome chaos = run(driver, cluster, seed, WAVES, wave -> {
                    if (wave == firstKill || wave == secondKill) {
                        // one node down at a time: the second kill waits until the first victim is back (a wave
                        // can take less time than a node takes to start)
                        long waitStart = System.nanoTime();
                        restarts.forEach(CompletableFuture::join);
                        waitedNs[0] += System.nanoTime() - waitStart;
                        int victim = 1 + schedule.nextInt(2);
                        long delayMs = 50 + schedule.nextInt(400);
                        System.out.printf("wave %d: killing host %d after %d ms%n", wave, victim, delayMs);
                        restarts.add(CompletableFuture.runAsync(() -> {
                            try {
                                Thread.sleep(delayMs);
                                if (net.kill(victim)) {
                                    killed[0]++;
                                }
                                Thread.sleep(DEAD_AFTER_MS + 1000); // declared dead, then back as a new node
                                net.startNode(victim);
                                System.out.println("restarted host " + victim);
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        }));
                    }
                });
                CompletableFuture.allOf(restarts.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
                long chaosMs = chaos.millis() - TimeUnit.NANOSECONDS.toMillis(waitedNs[0]);
                System.out.printf("run with %d nodes killed and restarted: %d ms, not counting %d ms the schedule waited for a "
                    + "victim to be back (%.2fx the failure-free run); scorer actors built again %d times%n", killed[0], chaosMs,
                    TimeUnit.NANOSECONDS.toMillis(waitedNs[0]), (double) chaosMs / calm.millis(), chaos.scorerRestarts());
                assertEquals(2, killed[0]);
                assertTrue(chaos.scorerRestarts() >= 1, "a scorer lived on each killed host");
                assertArrayEquals(calm.combined(), chaos.combined(), "seed " + seed);
                assertArrayEquals(calm.sums(), chaos.sums(), "seed " + seed);
                assertArrayEquals(expected(seed), calm.combined(), "the failure-free run computed what this JVM computes");
            }
        }
    }

    /** Told the wave about to start, so chaos can strike during it. */
    private interface WaveHook {
        void starting(int wave);
    }

    private static Outcome run(Mobula driver, List<NodeInfo> cluster, long seed, int waves, WaveHook hook) {
        String headId = cluster.stream().filter(NodeInfo::head).findFirst().orElseThrow().id();
        long start = System.nanoTime();
        Random random = new Random(seed);
        List<ActorHandle<Sum>> sums = new ArrayList<>();
        for (int a = 0; a < AGGREGATORS; a++) {
            sums.add(driver.actor(Sum::new).scheduling(SchedulingStrategy.nodeAffinity(headId, false)).remote());
        }
        List<ActorHandle<Scorer>> scorers = new ArrayList<>();
        // One on each host as the cluster is now: a host that came back since the list was taken is a
        // new node, and an affinity to its old id (or to a dead entry) would fall back to anywhere.
        List<NodeInfo> live = awaitLiveNodes(driver, 3);
        System.out.println("  scorers on " + live.stream().map(NodeInfo::id).toList());
        for (NodeInfo node : live) { // built elsewhere when its host dies
            scorers.add(driver.actor(Scorer::new).scheduling(SchedulingStrategy.nodeAffinity(node.id(), true)).maxRestarts(20)
                .remote());
        }
        List<ObjectRef<long[]>> chunks = new ArrayList<>();
        for (int c = 0; c < CHUNKS; c++) {
            chunks.add(driver.task(ChaosTest::chunk, seed, c).scheduling(SchedulingStrategy.spread()).remote());
        }
        List<Long> combined = new ArrayList<>();
        List<ObjectRef<Long>> lastSums = new ArrayList<>();
        for (int wave = 0; wave < waves; wave++) {
            hook.starting(wave);
            List<ObjectRef<Long>> scores = new ArrayList<>();
            for (int s = 0; s < SCORES_PER_WAVE; s++) {
                int chunk = random.nextInt(CHUNKS);
                int j = random.nextInt(1 << 20);
                scores.add(s % SCORED_BY_ACTORS == 0 // every tenth by a stateful actor, its call run again after a restart
                    ? scorers.get(s / SCORED_BY_ACTORS % scorers.size()).task(Scorer::score, chunks.get(chunk), chunk, j)
                        .maxRetries(5).remote()
                    : driver.task(ChaosTest::score, chunks.get(chunk), j).scheduling(SchedulingStrategy.spread()).remote());
            }
            List<ObjectRef<Long>> combines = new ArrayList<>();
            for (int s = 0; s < SCORES_PER_WAVE; s += SCORES_PER_COMBINE) {
                List<ObjectRef<Long>> five = scores.subList(s, s + SCORES_PER_COMBINE);
                combines.add(driver.task(ChaosTest::combine, five.get(0), five.get(1), five.get(2), five.get(3), five.get(4))
                    .remote());
            }
            lastSums.clear();
            for (int k = 0; k < combines.size(); k++) {
                lastSums.add(sums.get(k % AGGREGATORS).task(Sum::add, combines.get(k)).remote());
            }
            for (ObjectRef<Long> value : combines) {
                combined.add(value.get());
            }
            System.out.printf("  wave %d done at %d ms%n", wave, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
        long[] finals = new long[AGGREGATORS];
        for (int a = 0; a < AGGREGATORS; a++) {
            finals[a] = lastSums.get(lastSums.size() - AGGREGATORS + a).get();
        }
        return new Outcome(combined.stream().mapToLong(Long::longValue).toArray(), finals,
            scorers.stream().mapToInt(ActorHandle::restarts).sum(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    /** The live nodes once there are {@code count} of them (a restarted victim may still be joining). */
    private static List<NodeInfo> awaitLiveNodes(Mobula driver, int count) {
        try {
            return NamespacedCluster.awaitNodes(driver, count).stream().filter(NodeInfo::alive).toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The combined values, computed here, in order. */
    private static long[] expected(long seed) {
        Random random = new Random(seed);
        long[][] chunks = new long[CHUNKS][];
        for (int c = 0; c < CHUNKS; c++) {
            chunks[c] = chunk(seed, c);
        }
        long[] combined = new long[WAVES * SCORES_PER_WAVE / SCORES_PER_COMBINE];
        int n = 0;
        for (int wave = 0; wave < WAVES; wave++) {
            long[] scores = new long[SCORES_PER_WAVE];
            for (int s = 0; s < SCORES_PER_WAVE; s++) {
                scores[s] = score(chunks[random.nextInt(CHUNKS)], random.nextInt(1 << 20));
            }
            for (int s = 0; s < SCORES_PER_WAVE; s += SCORES_PER_COMBINE) {
                combined[n++] = combine(scores[s], scores[s + 1], scores[s + 2], scores[s + 3], scores[s + 4]);
            }
        }
        return combined;
    }
}
