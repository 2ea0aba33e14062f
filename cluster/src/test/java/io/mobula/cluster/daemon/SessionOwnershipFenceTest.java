package io.mobula.cluster.daemon;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mobula.ActorDiedException;
import io.mobula.ActorHandle;
import io.mobula.Mobula;
import io.mobula.MobulaException;
import io.mobula.NodeContext;
import io.mobula.NodeDiedException;
import io.mobula.ObjectRef;
import io.mobula.runtime.ActorRecord;
import io.mobula.runtime.NodeRuntime;
import io.mobula.runtime.RuntimeAccess;

/**
 * A node the head declared dead while it lived (fenced: say its heartbeats came late under load)
 * ends the actors it hosted for drivers. To their drivers that is the node's death, a system
 * failure after which the actor is built again while its maxRestarts allow; not an application
 * kill, which a driver must not undo.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SessionOwnershipFenceTest {
    static final CountDownLatch RUNNING = new CountDownLatch(1);

    /** Blocks in its call until killed. */
    static final class Blocker {
        Blocker() {
        }

        long block() throws InterruptedException {
            RUNNING.countDown();
            new CountDownLatch(1).await();
            return 0;
        }

        long ping() {
            return 1;
        }
    }

    @Test
    void aFencedNodeFailsItsActorsCallsAsANodeDeathNotAKill() throws Exception {
        try (Mobula mobula = Mobula.init(new NodeContext().cpus(2))) {
            NodeRuntime runtime = RuntimeAccess.runtimeOf(mobula);
            SessionOwnership owned = new SessionOwnership(runtime, "10.0.0.1:7073", null, null);
            ActorHandle<Blocker> handle = mobula.actor(Blocker::new).remote();
            ActorRecord actor = RuntimeAccess.recordOf(handle);
            owned.hosted(actor);
            ObjectRef<Long> running = handle.task(Blocker::block).remote();
            RUNNING.await();

            owned.fenced();

            MobulaException inFlight = assertThrows(MobulaException.class, running::get);
            assertInstanceOf(NodeDiedException.class, inFlight, "a call running when the node was fenced: " + inFlight);
            MobulaException later = owned.noActor(actor.id());
            assertInstanceOf(NodeDiedException.class, later, "a call arriving after the fence: " + later);
            assertInstanceOf(ActorDiedException.class, owned.noActor(actor.id() + 1000), "an actor never hosted here");
        }
    }
}
