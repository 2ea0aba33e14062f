package io.mobula.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.mobula.ActorDiedException;
import io.mobula.ActorHandle;
import io.mobula.Mobula;
import io.mobula.NodeInfo;
import io.mobula.ObjectLostException;
import io.mobula.ObjectRef;
import io.mobula.SchedulingStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node dies under a job, on a real network: a head and two nodes in network namespaces of their
 * own, a driver in the test's. The third host's node is killed (SIGKILL) while it runs a task and
 * holds results: the head declares it dead within its dead-after time; the running task runs again
 * elsewhere; results whose only copy was there are made again by the driver from their lineage
 * (a result made from another lost result: that one first), whether read or passed to new work; a
 * result whose task allowed no retries fails with {@link ObjectLostException} naming the object and
 * the node. An actor that lived there is built again elsewhere while its restarts allow, else its
 * calls fail with {@link ActorDiedException}. A node started again at the same address joins as a
 * new node. A node cut off the network is declared dead too; when it is back, the head fences it:
 * it drops its stale state and joins again as a new node (a new id; the old one stays dead).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class NodeFailureTest {
    private static final long DEAD_AFTER_MS = 2000;
    private static final int BLOCK = 4 << 20;

    @TempDir
    Path home;

    static ByteBuffer block(int bytes, int seed) {
        ByteBuffer buffer = ByteBuffer.allocate(bytes);
        for (int i = 0; i < bytes; i++) {
            buffer.put(i, (byte) (i * 31 + seed));
        }
        return buffer;
    }

    /** Large, so it stays on the node that made it: a result made from another result. */
    static ByteBuffer reversed(ByteBuffer in) {
        ByteBuffer out = ByteBuffer.allocate(in.remaining());
        for (int i = 0; i < in.remaining(); i++) {
            out.put(i, in.get(in.limit() - 1 - i));
        }
        return out;
    }

    static long checksum(ByteBuffer buffer) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(buffer.duplicate());
        return crc.getValue();
    }

    /** A running count, and the process that keeps it. */
    static final class Tally {
        private long count;

        Tally(long start) {
            count = start;
        }

        long[] add(long k) {
            count += k;
            return new long[] {count, ProcessHandle.current().pid()};
        }

        /** A large result made by an actor: it stays on the actor's node, and has no lineage to make it again. */
        ByteBuffer blob(int bytes) {
            return ByteBuffer.allocate(bytes);
        }
    }

    /** A large result whose first 8 bytes name the process that made it. */
    static ByteBuffer stamped(int bytes) {
        ByteBuffer buffer = ByteBuffer.allocate(bytes);
        buffer.putLong(0, ProcessHandle.current().pid());
        return buffer;
    }

    /** Who made a {@link #stamped} buffer (a buffer comes back in native byte order: read it as written). */
    static long maker(ByteBuffer stamped) {
        return stamped.duplicate().order(java.nio.ByteOrder.BIG_ENDIAN).getLong(0);
    }

    static long pidAfter(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return ProcessHandle.current().pid();
    }

    @Test
    void aKilledNodesWorkRunsElsewhereAndItsObjectsAreRebuiltFromLineage() throws Exception {
        String why = NamespacedHosts.unavailableReason();
        assumeTrue(why == null, why);
        try (NamespacedCluster net = NamespacedCluster.start(home, List.of("--dead-after-ms", Long.toString(DEAD_AFTER_MS)))) {
            NamespacedHosts hosts = net.hosts();
            String headAddress = net.headAddress();
            try (Mobula driver = Mobula.init(headAddress)) {
                List<NodeInfo> cluster = NamespacedCluster.awaitNodes(driver, 3);
                NodeInfo doomed = NamespacedCluster.onHost(cluster, net.address(2));
                SchedulingStrategy there = SchedulingStrategy.nodeAffinity(doomed.id(), true); // soft: elsewhere once it is gone

                ObjectRef<ByteBuffer> made = driver.task(NodeFailureTest::block, BLOCK, 1).scheduling(there).remote();
                ObjectRef<ByteBuffer> madeFromMade = driver.task(NodeFailureTest::reversed, made).scheduling(there).remote();
                ObjectRef<ByteBuffer> untouched = driver.task(NodeFailureTest::block, BLOCK, 2).scheduling(there).remote();
                ObjectRef<ByteBuffer> once = driver.task(NodeFailureTest::block, BLOCK, 3).scheduling(there).maxRetries(0)
                    .remote();
                long expectedMade = checksum(block(BLOCK, 1));
                long expectedReversed = checksum(reversed(block(BLOCK, 1)));
                assertEquals(expectedReversed, checksum(madeFromMade.get()), "made on the doomed host, read from there");
                once.get();
                untouched.get();
                ActorHandle<Tally> restartable = driver.actor(Tally::new, 100L).scheduling(there).maxRestarts(1).remote();
                ActorHandle<Tally> mortal = driver.actor(Tally::new, 0L).scheduling(there).remote();
                assertEquals(doomed.pid(), restartable.task(Tally::add, 1L).remote().get()[1]);
                assertEquals(1, mortal.task(Tally::add, 1L).remote().get()[0]);
                ObjectRef<ByteBuffer> fromActor = mortal.task(Tally::blob, BLOCK).remote();
                assertEquals(BLOCK, fromActor.get().remaining());
                ObjectRef<Long> running = driver.task(NodeFailureTest::pidAfter, 6_000L).scheduling(there).remote();
                Thread.sleep(1_000); // it is running there now

                long killedAt = System.nanoTime();
                net.kill(2);
                long detectedMs = NamespacedCluster.awaitDead(driver, doomed.id());
                assertTrue(detectedMs < DEAD_AFTER_MS + 3_000, "declared dead after " + detectedMs + " ms");
                System.out.printf("node loss detected %d ms after the kill (dead-after %d ms)%n", detectedMs, DEAD_AFTER_MS);

                long ranOn = running.get(java.time.Duration.ofSeconds(60));
                assertNotEquals(doomed.pid(), ranOn, "the task that was running on the dead node ran again elsewhere");

                long rebuildStart = System.nanoTime();
                assertEquals(expectedReversed, checksum(madeFromMade.get()), "rebuilt: its argument first, then itself");
                System.out.printf("two chained results rebuilt in %d ms (%d ms after the kill)%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - rebuildStart),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
                assertEquals(expectedMade, checksum(made.get()), "the argument was made again too");
                assertEquals(checksum(block(BLOCK, 2)), driver.task(NodeFailureTest::checksum, untouched).remote().get(),
                    "a lost object passed to new work is made again before the work runs");

                ObjectLostException noLineage = assertThrows(ObjectLostException.class, fromActor::get);
                assertTrue(noLineage.getMessage().contains("actor's method") && noLineage.getMessage().contains(net.address(2)),
                    noLineage.getMessage());
                ObjectLostException lost = assertThrows(ObjectLostException.class, once::get);
                assertTrue(lost.getMessage().contains(net.address(2)), lost.getMessage());
                assertTrue(lost.getMessage().contains("maxRetries"), lost.getMessage());

                // actors: one restarted elsewhere (its constructor again, so its count starts over), one dead
                long[] after = restartable.task(Tally::add, 5L).maxRetries(1).remote().get();
                assertEquals(105, after[0], "the constructor ran again");
                assertNotEquals(doomed.pid(), after[1], "on another node");
                ActorDiedException gone = assertThrows(ActorDiedException.class, () -> mortal.task(Tally::add, 1L).remote().get());
                assertTrue(gone.getMessage().contains("maxRestarts=0"), gone.getMessage());

                // started again at the same address: a new node, the old one stays dead
                net.startNode(2);
                NodeInfo reborn = NamespacedCluster.onHost(NamespacedCluster.awaitNodes(driver, 3), net.address(2));
                assertNotEquals(doomed.id(), reborn.id(), "it joined as a new node");
                assertEquals(reborn.pid(), driver.task(NodeFailureTest::pidAfter, 0L)
                    .scheduling(SchedulingStrategy.nodeAffinity(reborn.id(), false)).remote().get());

                // host 1 cut off the network (its node keeps running): declared dead, its result made again
                // elsewhere; once back, the head fences it and it rejoins as a new node, having dropped what it held
                NodeInfo cutOff = NamespacedCluster.onHost(cluster, net.address(1));
                ObjectRef<ByteBuffer> heldThere = driver.task(NodeFailureTest::stamped, BLOCK)
                    .scheduling(SchedulingStrategy.nodeAffinity(cutOff.id(), true)).remote();
                assertEquals(cutOff.pid(), maker(heldThere.get()));
                hosts.cut(1);
                NamespacedCluster.awaitDead(driver, cutOff.id());
                Thread.sleep(1_200); // the driver's view of the cluster catches up (refreshed every second)
                assertNotEquals(cutOff.pid(), maker(heldThere.get()), "made again on a node still reachable");
                hosts.mend(1);
                NodeInfo back = NamespacedCluster.awaitNewNodeAt(driver, net.address(1), cutOff.id());
                assertEquals(cutOff.pid(), back.pid(), "the same process, fenced, joined as a new node");
                assertTrue(driver.nodes().stream().anyMatch(n -> n.id().equals(cutOff.id()) && !n.alive()), "its old id stays dead");
                assertEquals(cutOff.pid(), driver.task(NodeFailureTest::pidAfter, 0L)
                    .scheduling(SchedulingStrategy.nodeAffinity(back.id(), false)).remote().get(), "it serves again");
            }
        }
    }
}
