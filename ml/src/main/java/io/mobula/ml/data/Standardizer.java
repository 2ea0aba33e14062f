package io.mobula.ml.data;

import java.io.Serializable;

/**
 * Per-feature standardisation, {@code (x - mean) / std}, fitted on training rows and applied to
 * any rows with the same columns. A constant column (std 0) maps to 0 rather than dividing by 0.
 */
public record Standardizer(double[] mean, double[] std) implements Serializable {
    public static Standardizer fit(LabeledRows data) {
        int f = data.featureCount();
        double[] mean = new double[f];
        double[] std = new double[f];
        double[] x = data.features();
        for (int r = 0; r < data.rows(); r++) {
            for (int c = 0; c < f; c++) {
                mean[c] += x[r * f + c];
            }
        }
        for (int c = 0; c < f; c++) {
            mean[c] /= data.rows();
        }
        for (int r = 0; r < data.rows(); r++) {
            for (int c = 0; c < f; c++) {
                double d = x[r * f + c] - mean[c];
                std[c] += d * d;
            }
        }
        for (int c = 0; c < f; c++) {
            std[c] = Math.sqrt(std[c] / data.rows());
        }
        return new Standardizer(mean, std);
    }

    public LabeledRows apply(LabeledRows data) {
        int f = data.featureCount();
        if (f != mean.length) {
            throw new IllegalArgumentException("fitted on " + mean.length + " features, given " + f);
        }
        double[] x = data.features().clone();
        for (int i = 0; i < x.length; i++) {
            int c = i % f;
            x[i] = std[c] > 0 ? (x[i] - mean[c]) / std[c] : 0.0;
        }
        return new LabeledRows(x, data.labels(), f, data.classNames());
    }
}
