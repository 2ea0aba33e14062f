package io.mobula.ml.online;

import io.mobula.ml.data.SparseExample;

/**
 * The incremental learner actor: online logistic regression, one SGD step per labelled event in
 * arrival order, with L2 shrinkage applied to the weights an event touches (the usual sparse
 * form: untouched weights are left alone). Each {@link #learn} call returns a snapshot of the
 * model that includes every event so far, ready to be served.
 *
 * <p>It also keeps the progressive ("test, then train") accuracy: each event is first predicted
 * by the model as it stands, then learned, which scores the model on data it has not yet seen.
 */
public final class OnlineLearner {
    private final double[] weights;
    private final double learningRate;
    private final double l2;
    private long seen;
    private long progressiveRight;
    private long version;

    public OnlineLearner(int dimensions, double learningRate, double l2) {
        if (dimensions < 2 || !(learningRate > 0) || !(l2 >= 0)) {
            throw new IllegalArgumentException("need dimensions >= 2, a positive learning rate and l2 >= 0, got " + dimensions + ", "
                + learningRate + ", " + l2);
        }
        this.weights = new double[dimensions];
        this.learningRate = learningRate;
        this.l2 = l2;
    }

    /** Learns {@code events} in order and returns the model that includes them. */
    public LogisticModel learn(SparseExample[] events) {
        for (SparseExample event : events) {
            double p = LogisticModel.sigmoid(LogisticModel.score(weights, event.indices(), event.values()));
            if ((p >= 0.5 ? 1 : 0) == event.label()) {
                progressiveRight++;
            }
            double error = p - event.label();
            weights[0] -= learningRate * error;   // the bias: no shrinkage
            for (int i = 0; i < event.indices().length; i++) {
                int j = event.indices()[i];
                if (j < weights.length) {
                    weights[j] -= learningRate * (error * event.values()[i] + l2 * weights[j]);
                }
            }
            seen++;
        }
        return new LogisticModel(weights.clone(), ++version, seen);
    }

    /** The fraction of events predicted right before they were learned. */
    public double progressiveAccuracy() {
        return seen == 0 ? Double.NaN : (double) progressiveRight / seen;
    }
}
