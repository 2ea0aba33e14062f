package io.mobula.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mobula.Mobula;
import io.mobula.ml.data.LabeledRows;
import io.mobula.ml.data.ShippedTrainingData;
import io.mobula.ml.sgd.EpochReport;
import io.mobula.ml.sgd.SgdConfig;
import io.mobula.ml.sgd.SgdResult;
import io.mobula.ml.sgd.SgdTraining;
import io.mobula.ml.sgd.UpdateMode;

class SgdTrainingTest {
    private static Mobula mobula;
    private static LabeledRows digits;

    @BeforeAll
    static void start() {
        mobula = Mobula.init();
        digits = ShippedTrainingData.csv(ShippedTrainingData.DIGITS, "64", false);
    }

    @AfterAll
    static void stop() {
        mobula.close();
    }

    @Test
    void syncTrainingReachesNinetyPercentOnDigits() {
        List<EpochReport> seen = new ArrayList<>();
        SgdResult result = SgdTraining.run(mobula, digits, SgdConfig.defaults().withEpochs(4).withWorkers(3), seen::add);
        assertEquals(1438, result.trainRows());
        assertEquals(359, result.testRows());
        assertEquals(4, seen.size());
        assertTrue(result.testAccuracy() >= 0.90, "test accuracy " + result.testAccuracy());
        assertTrue(seen.getLast().trainLoss() < seen.getFirst().trainLoss(), "loss fell: " + seen);
    }

    @Test
    void asyncTrainingReachesNinetyPercentOnDigits() {
        SgdResult result = SgdTraining.run(mobula, digits, SgdConfig.defaults().withEpochs(4).withWorkers(3)
            .withMode(UpdateMode.ASYNC).withLearningRate(0.05), e -> { });
        assertTrue(result.testAccuracy() >= 0.90, "test accuracy " + result.testAccuracy());
        // every worker pushed every step of every epoch: 3 workers x ceil(480 / 32) steps x 4 epochs
        assertEquals(3L * 15 * 4, result.epochs().getLast().updates());
    }

    @Test
    void syncTrainingIsDeterministicForASeed() {
        SgdConfig config = SgdConfig.defaults().withEpochs(2).withWorkers(2);
        SgdResult a = SgdTraining.run(mobula, digits, config, e -> { });
        SgdResult b = SgdTraining.run(mobula, digits, config, e -> { });
        assertEquals(a.finalLoss(), b.finalLoss());
        assertEquals(a.testAccuracy(), b.testAccuracy());
    }

    @Test
    void trainsOnIrisAndWineWithALabelColumn() {
        LabeledRows iris = ShippedTrainingData.csv(ShippedTrainingData.IRIS, "4", true);
        assertEquals(150, iris.rows());
        assertEquals(3, iris.classCount());
        SgdResult onIris = SgdTraining.run(mobula, iris, SgdConfig.defaults().withEpochs(30).withWorkers(2).withBatchSize(8),
            e -> { });
        assertTrue(onIris.testAccuracy() >= 0.85, "iris test accuracy " + onIris.testAccuracy());

        LabeledRows wine = ShippedTrainingData.csv(ShippedTrainingData.WINE, "last", true);
        assertEquals(13, wine.featureCount());
        SgdResult onWine = SgdTraining.run(mobula, wine, SgdConfig.defaults().withEpochs(20).withWorkers(2).withBatchSize(8),
            e -> { });
        assertTrue(onWine.testAccuracy() >= 0.90, "wine test accuracy " + onWine.testAccuracy());
    }
}
