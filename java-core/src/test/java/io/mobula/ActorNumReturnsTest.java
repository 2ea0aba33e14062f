package io.mobula;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code numReturns(n).remoteEach()} on an actor's method (Ray's {@code num_returns} on actor
 * methods): one object per value, from an actor on a thread and from one in a worker process.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ActorNumReturnsTest {
    private Mobula mobula;

    /** Keeps a count, and hands out its values in several returns. */
    static final class Splitter {
        private int calls;

        Splitter() {
        }

        List<Integer> split(int value) {
            calls++;
            return List.of(value, value * 10, calls);
        }

        int[] pair(int value) {
            return new int[] {value, -value};
        }

        List<Integer> twoValues() {
            return List.of(1, 2);
        }

        List<Integer> throwsInstead() {
            throw new IllegalStateException("no values today");
        }
    }

    @BeforeEach
    void start() {
        mobula = Mobula.init(new NodeContext().cpus(2).storeCapacityBytes(64L << 20));
    }

    @AfterEach
    void stop() {
        mobula.close();
    }

    @Test
    void aMethodOfSeveralReturnsGivesOneRefPerValue() {
        checkSplits(mobula.actor(Splitter::new).remote());
    }

    @Test
    void anIsolatedActorsMethodOfSeveralReturnsGivesOneRefPerValue() {
        checkSplits(mobula.actor(Splitter::new).isolated().remote());
    }

    private void checkSplits(ActorHandle<Splitter> actor) {
        List<ObjectRef<Integer>> parts = actor.task(Splitter::split, 4).numReturns(3).remoteEach();
        assertEquals(3, parts.stream().map(ObjectRef::id).distinct().count(), "three objects");
        assertEquals(List.of(4, 40, 1), mobula.get(parts));
        List<ObjectRef<Integer>> fromArray = actor.task(Splitter::pair, 5).numReturns(2).remoteEach();
        assertEquals(List.of(5, -5), mobula.get(fromArray));
        mobula.free(List.of(parts.get(0)));
        assertEquals(40, parts.get(1).get(), "freeing one part leaves the others");

        List<ObjectRef<Integer>> tooFew = actor.task(Splitter::twoValues).numReturns(3).remoteEach();
        for (ObjectRef<Integer> ref : tooFew) {
            ReturnCountException e = assertThrows(ReturnCountException.class, ref::get);
            assertEquals(List.of(3, 2), List.of(e.expected(), e.actual()));
        }
        List<ObjectRef<Integer>> failed = actor.task(Splitter::throwsInstead).numReturns(2).remoteEach();
        for (ObjectRef<Integer> ref : failed) {
            TaskException e = assertThrows(TaskException.class, ref::get);
            assertTrue(e.getMessage().contains("no values today"), e.getMessage());
        }
        assertEquals(List.of(6, 60, 2), mobula.get(actor.task(Splitter::split, 6).numReturns(3).remoteEach()),
            "the same instance after its failures");
        assertThrows(IllegalArgumentException.class, () -> actor.task(Splitter::twoValues).numReturns(0));
        IllegalStateException plain = assertThrows(IllegalStateException.class,
            () -> actor.task(Splitter::twoValues).numReturns(2).remote());
        assertTrue(plain.getMessage().contains("remoteEach"), plain.getMessage());
    }

    @Test
    void aDeadActorsCallOfSeveralReturnsFailsEveryRef() {
        ActorHandle<Splitter> actor = mobula.actor(Splitter::new).remote();
        assertEquals(List.of(1, 10, 1), mobula.get(actor.task(Splitter::split, 1).numReturns(3).remoteEach()));
        mobula.kill(actor);
        List<ObjectRef<Integer>> afterKill = actor.task(Splitter::split, 2).numReturns(3).remoteEach();
        for (ObjectRef<Integer> ref : afterKill) {
            assertThrows(ActorDiedException.class, ref::get);
        }
    }
}
