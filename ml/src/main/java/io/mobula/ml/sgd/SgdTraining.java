package io.mobula.ml.sgd;

import java.util.List;
import java.util.function.Consumer;

import io.mobula.Mobula;
import io.mobula.ml.data.LabeledRows;
import io.mobula.ml.data.Split;
import io.mobula.ml.data.Standardizer;
import io.mobula.ml.model.OneVsRestLogistic;

/**
 * The whole of {@code mobula run sgd} as a library call: hold out a seeded test split, standardise
 * the features on the training rows, train with a {@link SgdTrainer}, score the test rows.
 */
public final class SgdTraining {
    /** The fraction of rows held out for the test accuracy. */
    public static final double TEST_FRACTION = 0.2;

    private SgdTraining() {
    }

    /** Splits {@code data} with the config's seed and standardises both sides on the training rows. */
    public static Split prepare(LabeledRows data, long seed) {
        Split split = Split.of(data, TEST_FRACTION, seed);
        Standardizer standardizer = Standardizer.fit(split.train());
        return new Split(standardizer.apply(split.train()), standardizer.apply(split.test()));
    }

    public static SgdResult run(Mobula mobula, LabeledRows data, SgdConfig config, Consumer<EpochReport> onEpoch) {
        Split split = prepare(data, config.seed());
        long start = System.nanoTime();
        try (SgdTrainer trainer = new SgdTrainer(mobula, split.train(), split.test(), config, null)) {
            List<EpochReport> epochs = trainer.train(0, config.epochs(), onEpoch);
            double[] weights = trainer.weights();
            double seconds = (System.nanoTime() - start) / 1e9;
            return new SgdResult(config, epochs, weights, OneVsRestLogistic.accuracy(weights, split.test()), split.train().rows(),
                split.test().rows(), seconds);
        }
    }
}
