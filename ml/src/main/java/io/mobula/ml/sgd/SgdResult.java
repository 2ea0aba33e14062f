package io.mobula.ml.sgd;

import java.util.List;

/** A finished training run: its epochs, the learned weights and the accuracy on the test rows. */
public record SgdResult(SgdConfig config, List<EpochReport> epochs, double[] weights, double testAccuracy, int trainRows,
                        int testRows, double trainSeconds) {
    public double finalLoss() {
        return epochs.getLast().trainLoss();
    }
}
