package io.mobula.ml.online;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import io.mobula.ml.data.SparseExample;

/**
 * The serving actor: answers predictions with the newest model it has, and takes new models
 * without pausing. Created with {@code maxConcurrency > 1}, so queries and swaps run on several
 * threads at once; the model is one immutable snapshot behind an atomic reference, so a query
 * reads either the old model or the new one whole, never a mix, and none waits for a swap or
 * fails because of one. Swaps may run out of order on those threads, so a swap installs its model
 * only if it is newer than the one served: versions served only ever go up.
 */
public final class ModelServer {
    private final AtomicReference<LogisticModel> model;
    private final LongAdder predictions = new LongAdder();
    private final LongAdder swaps = new LongAdder();

    public ModelServer(LogisticModel initial) {
        this.model = new AtomicReference<>(initial);
    }

    /** The probability of label 1 for a row with these features, by the newest model. */
    public Prediction predict(int[] indices, double[] values) {
        if (indices.length != values.length) {
            throw new IllegalArgumentException(indices.length + " feature indices but " + values.length + " values");
        }
        LogisticModel current = model.get();
        predictions.increment();
        return new Prediction(current.probability(indices, values), current.version());
    }

    /**
     * Serves {@code next} from now on, unless a newer model is already served.
     *
     * @return the version served once this call returns (at least {@code next.version()}).
     */
    public long swap(LogisticModel next) {
        LogisticModel installed = model.accumulateAndGet(next, (current, offered) -> offered.version() > current.version() ? offered : current);
        if (installed == next) {
            swaps.increment();
        }
        return installed.version();
    }

    /** The fraction of {@code rows} the served model labels right. */
    public double accuracy(SparseExample[] rows) {
        LogisticModel current = model.get();
        long right = 0;
        for (SparseExample row : rows) {
            if (current.predict(row) == row.label()) {
                right++;
            }
        }
        return rows.length == 0 ? Double.NaN : (double) right / rows.length;
    }

    /** The version served now. */
    public long servedVersion() {
        return model.get().version();
    }

    /** Predictions answered so far. */
    public long predictions() {
        return predictions.sum();
    }

    /** Models installed so far. */
    public long swaps() {
        return swaps.sum();
    }
}
