package io.mobula.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.mobula.Mobula;
import io.mobula.NodeInfo;
import io.mobula.ObjectRef;
import io.mobula.SchedulingStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node the head fenced (declared dead while it lived, cut off the network) joins again under a
 * new id but keeps its process, its object manager and so that manager's address. The other nodes
 * heard of the old id's death and stopped asking that address; a large result the node makes once
 * back must still be pulled from it by work on another node.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FencedNodeObjectsTest {
    private static final long DEAD_AFTER_MS = 2000;
    private static final int BLOCK = 4 << 20;

    @TempDir
    Path home;

    /** A large result (it stays on the node that made it) whose first 8 bytes name the process that made it. */
    static ByteBuffer stamped(int bytes) {
        ByteBuffer buffer = ByteBuffer.allocate(bytes);
        buffer.putLong(0, ProcessHandle.current().pid());
        return buffer;
    }

    /** Who made a {@link #stamped} buffer, read where this runs (the buffer pulled here). */
    static long maker(ByteBuffer stamped) {
        return stamped.duplicate().order(java.nio.ByteOrder.BIG_ENDIAN).getLong(0);
    }

    @Test
    void anObjectMadeOnAFencedNodeThatJoinedAgainIsPulledByAnotherNode() throws Exception {
        String why = NamespacedHosts.unavailableReason();
        assumeTrue(why == null, why);
        try (NamespacedCluster net = NamespacedCluster.start(home, List.of("--dead-after-ms", Long.toString(DEAD_AFTER_MS)))) {
            try (Mobula driver = Mobula.init(net.headAddress())) {
                List<NodeInfo> cluster = NamespacedCluster.awaitNodes(driver, 3);
                NodeInfo cutOff = NamespacedCluster.onHost(cluster, net.address(1));
                NodeInfo puller = NamespacedCluster.onHost(cluster, net.address(2));

                net.hosts().cut(1);
                NamespacedCluster.awaitDead(driver, cutOff.id());
                net.hosts().mend(1);
                NodeInfo back = NamespacedCluster.awaitNewNodeAt(driver, net.address(1), cutOff.id());
                assertEquals(cutOff.pid(), back.pid(), "the same process, fenced, joined as a new node");
                Thread.sleep(1_200); // every node's view has heard of the old id's death (refreshed every second)

                ObjectRef<ByteBuffer> made = driver.task(FencedNodeObjectsTest::stamped, BLOCK)
                    .scheduling(SchedulingStrategy.nodeAffinity(back.id(), false)).remote();
                long pulledThere = driver.task(FencedNodeObjectsTest::maker, made)
                    .scheduling(SchedulingStrategy.nodeAffinity(puller.id(), false)).remote().get();
                assertEquals(back.pid(), pulledThere, "pulled from the node that made it, where it still lives");
                assertNotEquals(puller.pid(), back.pid());
            }
        }
    }
}
