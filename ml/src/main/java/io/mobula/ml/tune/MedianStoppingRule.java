package io.mobula.ml.tune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The median stopping rule (Golovin et al., "Google Vizier", 2017; Ray Tune's
 * {@code MedianStoppingRule}): after a grace period, a trial stops when its best score so far is
 * below the median of the running means of the scores of the trials that reached the same epoch.
 * Applied to all trials together at each epoch's end, so the decisions depend only on the scores,
 * never on which trial finished first.
 */
public record MedianStoppingRule(int graceEpochs, int minTrials) {
    public MedianStoppingRule {
        if (graceEpochs < 1 || minTrials < 2) {
            throw new IllegalArgumentException("need graceEpochs >= 1 and minTrials >= 2, got " + graceEpochs + ", " + minTrials);
        }
    }

    /**
     * Which of the trials that just finished epoch {@code epoch} (0-based) to stop.
     *
     * @param histories each such trial's score per epoch so far (higher is better), all of length
     *                  {@code epoch + 1}.
     * @return the positions in {@code histories} to stop, ascending.
     */
    public List<Integer> toStop(int epoch, List<double[]> histories) {
        List<Integer> stop = new ArrayList<>();
        if (epoch + 1 < graceEpochs || histories.size() < minTrials) {
            return stop;
        }
        double median = median(histories.stream().mapToDouble(h -> Arrays.stream(h).average().orElse(Double.NaN)).toArray());
        for (int i = 0; i < histories.size(); i++) {
            if (Arrays.stream(histories.get(i)).max().orElse(Double.NaN) < median) {
                stop.add(i);
            }
        }
        return stop;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
