package io.mobula.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.mobula.ActorHandle;
import io.mobula.Mobula;
import io.mobula.ObjectRef;
import io.mobula.ReturnCountException;

/** {@code numReturns(n).remoteEach()} on an actor's method through a driver connected to a node in another process. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConnectedActorNumReturnsTest {
    private static final int BIG = 1 << 20; // doubles: 8 MiB, kept in the node's store

    @TempDir
    Path home;
    private TemporaryHead head;

    /** Hands out a large part and a small one. */
    static final class Halver {
        Halver() {
        }

        List<double[]> halves(double value) {
            double[] big = new double[BIG];
            Arrays.fill(big, value);
            return List.of(big, new double[] {value * 2});
        }
    }

    static double first(double[] values) {
        return values[0];
    }

    @BeforeEach
    void startAHead() {
        head = TemporaryHead.start(home, "{\"CPU\":2}");
    }

    @AfterEach
    void stopIt() {
        head.close();
    }

    @Test
    void anActorMethodOfSeveralReturnsGivesTheDriverOneRefPerValue() {
        try (Mobula driver = Mobula.init(head.address())) {
            ActorHandle<Halver> actor = driver.actor(Halver::new).remote();
            List<ObjectRef<double[]>> parts = actor.task(Halver::halves, 1.5).numReturns(2).remoteEach();
            assertEquals(BIG, parts.get(0).get().length, "a large part");
            assertEquals(3.0, parts.get(1).get()[0]);
            assertEquals(1.5, driver.task(ConnectedActorNumReturnsTest::first, parts.get(0)).remote().get(), "a part as an argument");

            List<ObjectRef<double[]>> wrong = actor.task(Halver::halves, 1.0).numReturns(3).remoteEach();
            for (ObjectRef<double[]> ref : wrong) {
                ReturnCountException e = assertThrows(ReturnCountException.class, ref::get);
                assertEquals(List.of(3, 2), List.of(e.expected(), e.actual()));
            }
        }
    }
}
