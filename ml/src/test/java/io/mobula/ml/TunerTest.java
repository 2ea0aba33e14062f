package io.mobula.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mobula.Mobula;
import io.mobula.NodeContext;
import io.mobula.ml.data.LabeledRows;
import io.mobula.ml.data.ShippedTrainingData;
import io.mobula.ml.tune.MedianStoppingRule;
import io.mobula.ml.tune.SearchSpace;
import io.mobula.ml.tune.TrialResult;
import io.mobula.ml.tune.TuneResult;
import io.mobula.ml.tune.Tuner;

class TunerTest {
    private static Mobula mobula;
    private static LabeledRows digits;

    @BeforeAll
    static void start() {
        mobula = Mobula.init(new NodeContext().cpus(2));
        digits = ShippedTrainingData.csv(ShippedTrainingData.DIGITS, "64", false);
    }

    @AfterAll
    static void stop() {
        mobula.close();
    }

    /** 6 trials of 0.75 CPU on a 2-CPU node: they cannot all run at once, so some wait whole for their reservation. */
    private static Tuner.Settings settings(long seed) {
        return new Tuner.Settings(6, 4, 2, 0.75, seed, SearchSpace.defaults(), new MedianStoppingRule(2, 3));
    }

    @Test
    void findsAGoodConfigAndStopsTheTrialsBehind() throws InterruptedException {
        TuneResult result = new Tuner(mobula, settings(7)).run(digits, p -> { });
        assertEquals(6, result.trials().size());
        assertTrue(result.stoppedCount() >= 1, "some trial stopped early: " + result.trials());
        for (TrialResult t : result.trials()) {
            assertEquals(t.stopped() ? t.stoppedAfterEpoch() + 1 : 4, t.epochsRun());
        }
        assertFalse(result.best().stopped());
        assertTrue(result.best().score() >= 0.90, "best validation accuracy " + result.best().score());
        assertTrue(result.bestTestAccuracy() >= 0.88, "best trial's test accuracy " + result.bestTestAccuracy());
    }

    @Test
    void theSameSeedGivesTheSameBestConfig() throws InterruptedException {
        TuneResult a = new Tuner(mobula, settings(11)).run(digits, p -> { });
        TuneResult b = new Tuner(mobula, settings(11)).run(digits, p -> { });
        assertEquals(a.best().trial(), b.best().trial());
        assertEquals(a.best().config(), b.best().config());
        assertEquals(a.best().score(), b.best().score());
        assertEquals(stops(a), stops(b));
    }

    @Test
    void theMedianRuleStopsOnlyTrialsWhoseBestIsBelowTheMedianOfRunningMeans() {
        MedianStoppingRule rule = new MedianStoppingRule(2, 3);
        List<double[]> histories = List.of(new double[] {0.5, 0.6}, new double[] {0.8, 0.9}, new double[] {0.7, 0.8},
            new double[] {0.2, 0.3});
        assertEquals(List.of(), rule.toStop(0, List.of(new double[] {0.1}, new double[] {0.9}, new double[] {0.5})), "grace period");
        // running means 0.55, 0.85, 0.75, 0.25: median 0.65; bests 0.6 and 0.3 are below it
        assertEquals(List.of(0, 3), rule.toStop(1, histories));
    }

    private static List<Integer> stops(TuneResult result) {
        return result.trials().stream().map(TrialResult::stoppedAfterEpoch).toList();
    }
}
