package io.mobula.ml.tune;

import io.mobula.ml.sgd.SgdConfig;

/**
 * One trial as it ended: its config, its validation accuracy per epoch, and the epoch it was
 * stopped after (or -1 when it ran every epoch).
 */
public record TrialResult(int trial, SgdConfig config, double[] validationAccuracy, int stoppedAfterEpoch) {
    public boolean stopped() {
        return stoppedAfterEpoch >= 0;
    }

    public int epochsRun() {
        return validationAccuracy.length;
    }

    /** Its validation accuracy after its last epoch. */
    public double score() {
        return validationAccuracy.length == 0 ? Double.NaN : validationAccuracy[validationAccuracy.length - 1];
    }
}
