package io.mobula.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mobula.Mobula;
import io.mobula.ml.data.LibSvmReader;
import io.mobula.ml.data.ShippedTrainingData;
import io.mobula.ml.data.SparseExample;
import io.mobula.ml.online.LogisticModel;
import io.mobula.ml.online.ModelServer;
import io.mobula.ml.online.OnlineLearning;
import io.mobula.ml.online.OnlineReport;
import io.mobula.ml.online.OnlineSettings;

class OnlineLearningTest {
    private static List<SparseExample> read(String path) throws IOException {
        try (InputStream in = ShippedTrainingData.open(path)) {
            return LibSvmReader.read(path, in);
        }
    }

    @Test
    void learnsTheMushroomStreamWhileServingWithoutAFailedQuery() throws Exception {
        List<SparseExample> stream = read(ShippedTrainingData.AGARICUS_TRAIN);
        List<SparseExample> test = read(ShippedTrainingData.AGARICUS_TEST);
        assertEquals(6513, stream.size());
        assertEquals(1611, test.size());
        // 20,000 events/s: the 6,513 events replay in about a third of a second
        OnlineSettings settings = new OnlineSettings(20_000, 50, 2, 100, 0.1, 1e-3);
        try (Mobula mobula = Mobula.init()) {
            OnlineReport report = OnlineLearning.run(mobula, stream, test, settings, p -> { });
            assertTrue(report.testAccuracy() >= 0.95, "test accuracy " + report.testAccuracy());
            assertEquals(131, report.modelsPublished());   // ceil(6513 / 50)
            assertTrue(report.swapsInstalled() >= 1 && report.swapsInstalled() <= 131, "swaps " + report.swapsInstalled());
            assertTrue(report.queries() > 0, "queries ran during training");
            assertEquals(0, report.failedQueries());
            assertEquals(0, report.versionRegressions());
            assertTrue(report.freshnessP50Ms() > 0 && report.freshnessP99Ms() >= report.freshnessP50Ms());
        }
    }

    @Test
    void swapsUnderConcurrentQueriesNeverFailOrGoBackwards() throws Exception {
        List<SparseExample> test = read(ShippedTrainingData.AGARICUS_TEST);
        try (Mobula mobula = Mobula.init()) {
            var server = mobula.actor(ModelServer::new, LogisticModel.empty(127)).maxConcurrency(4).remote();
            int swaps = 300;
            Thread swapper = Thread.ofPlatform().start(() -> {
                for (int v = 1; v <= swaps; v++) {
                    double[] w = new double[127];
                    w[0] = v % 2 == 0 ? 5 : -5;    // alternate every answer between ~1 and ~0
                    server.task(ModelServer::swap, new LogisticModel(w, v, v)).remote().get();
                }
            });
            long answered = 0;
            long last = -1;
            while (swapper.isAlive()) {
                SparseExample row = test.get((int) (answered % test.size()));
                var p = server.task(ModelServer::predict, row.indices(), row.values()).remote().get();
                assertTrue(p.modelVersion() >= last, "served versions only go up");
                double expected = p.modelVersion() == 0 ? 0.5 : p.modelVersion() % 2 == 0 ? 1 / (1 + Math.exp(-5)) : 1 / (1 + Math.exp(5));
                assertEquals(expected, p.probability(), 1e-12, "an answer is the whole of one model");
                last = p.modelVersion();
                answered++;
            }
            swapper.join();
            assertEquals(swaps, (long) server.task(ModelServer::servedVersion).remote().get());
            // a late, older model is not installed over a newer one
            assertEquals(swaps, (long) server.task(ModelServer::swap, LogisticModel.empty(127)).remote().get());
            assertTrue(answered > 0);
        }
    }
}
