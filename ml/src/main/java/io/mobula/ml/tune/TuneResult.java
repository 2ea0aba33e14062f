package io.mobula.ml.tune;

import java.util.List;

/** A finished search: every trial, the best one, and the best one's accuracy on the test rows. */
public record TuneResult(List<TrialResult> trials, TrialResult best, double bestTestAccuracy, double seconds) {
    public long stoppedCount() {
        return trials.stream().filter(TrialResult::stopped).count();
    }
}
