package io.mobula.ml.model;

import io.mobula.ml.data.LabeledRows;

/**
 * Multiclass logistic regression, one-vs-rest: one binary logistic model per class, all in one
 * flat weight vector so it travels as a single {@code double[]}:
 *
 * <pre>
 *   weights = [ w(0,0) .. w(0,F-1) b(0) | w(1,0) .. b(1) | ... | w(K-1,0) .. b(K-1) ]
 *               class 0 (F weights + bias) ...                    class K-1
 * </pre>
 *
 * The loss of a row is the sum over classes of the binary cross-entropy of "is it class k", so the
 * gradient of each class's block is that of an ordinary logistic regression. A row is predicted as
 * the class whose model scores it highest. L2 applies to weights, not biases.
 */
public final class OneVsRestLogistic {
    private OneVsRestLogistic() {
    }

    /** The length of the weight vector for {@code features} columns and {@code classes} classes. */
    public static int size(int features, int classes) {
        return classes * (features + 1);
    }

    /**
     * Adds the gradient of the mean loss over {@code rows} of {@code data} (plus {@code l2/2 |w|^2})
     * to {@code gradient}, which must be zeroed by the caller.
     *
     * @return the summed loss of those rows (without the L2 term), so callers can average it.
     */
    public static double gradient(double[] weights, LabeledRows data, int[] rows, double l2, double[] gradient) {
        int f = data.featureCount();
        int k = data.classCount();
        double[] x = data.features();
        double scale = 1.0 / rows.length;
        double loss = 0;
        for (int r : rows) {
            int offset = r * f;
            int label = data.labels()[r];
            for (int c = 0; c < k; c++) {
                int block = c * (f + 1);
                double z = weights[block + f];
                for (int j = 0; j < f; j++) {
                    z += weights[block + j] * x[offset + j];
                }
                double target = label == c ? 1 : 0;
                double p = sigmoid(z);
                loss += logLoss(z, target);
                double error = (p - target) * scale;
                for (int j = 0; j < f; j++) {
                    gradient[block + j] += error * x[offset + j];
                }
                gradient[block + f] += error;
            }
        }
        if (l2 > 0) {
            for (int c = 0; c < k; c++) {
                int block = c * (f + 1);
                for (int j = 0; j < f; j++) {
                    gradient[block + j] += l2 * weights[block + j];
                }
            }
        }
        return loss;
    }

    /** The predicted class of row {@code r}. */
    public static int predict(double[] weights, LabeledRows data, int r) {
        int f = data.featureCount();
        double[] x = data.features();
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < data.classCount(); c++) {
            int block = c * (f + 1);
            double z = weights[block + f];
            for (int j = 0; j < f; j++) {
                z += weights[block + j] * x[r * f + j];
            }
            if (z > bestScore) {
                bestScore = z;
                best = c;
            }
        }
        return best;
    }

    /** The fraction of {@code data}'s rows predicted right. */
    public static double accuracy(double[] weights, LabeledRows data) {
        checkSize(weights, data);
        int right = 0;
        for (int r = 0; r < data.rows(); r++) {
            if (predict(weights, data, r) == data.labels()[r]) {
                right++;
            }
        }
        return (double) right / data.rows();
    }

    /** The mean loss over all of {@code data}'s rows, without the L2 term. */
    public static double loss(double[] weights, LabeledRows data) {
        checkSize(weights, data);
        int[] all = new int[data.rows()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return gradient(weights, data, all, 0, new double[weights.length]) / data.rows();
    }

    static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }

    /** {@code -[t log p + (1-t) log(1-p)]} with {@code p = sigmoid(z)}, computed without overflow. */
    static double logLoss(double z, double target) {
        return Math.max(z, 0) - z * target + Math.log1p(Math.exp(-Math.abs(z)));
    }

    private static void checkSize(double[] weights, LabeledRows data) {
        if (weights.length != size(data.featureCount(), data.classCount())) {
            throw new IllegalArgumentException("weights of length " + weights.length + " do not fit " + data.featureCount()
                + " features and " + data.classCount() + " classes");
        }
    }
}
