package io.mobula.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mobula.Mobula;
import io.mobula.NodeContext;
import io.mobula.ObjectRef;
import io.mobula.RuntimeClosedException;

/** What a node's close leaves: nothing pending, however soon after its start it comes. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class NodeShutdownTest {
    static int sleepMs(int ms) throws InterruptedException {
        Thread.sleep(ms);
        return ms;
    }

    /**
     * A node closed at once after its start failed nothing it had queued in three runs of four: the
     * scheduler thread had not begun, the ring's "no backlog" counted only running consumers, and the
     * thread was halted before it read SHUTDOWN, so the task's result stayed pending for good.
     */
    @Test
    void aNodeClosedAsItStartsEndsEverythingItQueued() {
        int leftPending = 0;
        for (int round = 0; round < 50; round++) {
            Mobula mobula = Mobula.init(new NodeContext().cpus(2).storeCapacityBytes(8L << 20));
            ObjectRef<Integer> queued = mobula.task(NodeShutdownTest::sleepMs, 5_000).remote();
            ObjectEntry entry = RuntimeAccess.entryOf(queued);
            mobula.close();
            if (!entry.isReady()) {
                leftPending++;
            }
            assertThrows(RuntimeClosedException.class, queued::get);
        }
        assertEquals(0, leftPending, "closes that left a queued task's result pending");
    }
}
