package io.mobula.gpu;

import java.util.Arrays;

/**
 * Plain-Java references of the kernels in {@link GpuKernels}: the GPU tests compare against these,
 * and code without a GPU (the parameter-server example) can fall back to them. Written for clarity,
 * not speed; sums accumulate in double, so they are at least as accurate as the float kernels.
 * Matrices are row-major {@code float[]}s, as on the device.
 */
public final class CpuKernels {
    private CpuKernels() {
    }

    /** {@code a + b}, element-wise. */
    public static float[] vectorAdd(float[] a, float[] b) {
        requireLength("b", b, a.length);
        float[] c = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] + b[i];
        }
        return c;
    }

    /** {@code alpha * x + y}, element-wise, with one rounding (as the kernel's {@code fmaf}). */
    public static float[] saxpy(float alpha, float[] x, float[] y) {
        requireLength("y", y, x.length);
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = Math.fma(alpha, x[i], y[i]);
        }
        return out;
    }

    /** {@code C[m x n] = A[m x k] B[k x n]}. */
    public static float[] matmul(float[] a, float[] b, int m, int n, int k) {
        requireLength("A", a, (long) m * k);
        requireLength("B", b, (long) k * n);
        float[] c = new float[m * n];
        double[] row = new double[n];
        for (int i = 0; i < m; i++) {
            Arrays.fill(row, 0);
            for (int p = 0; p < k; p++) {
                double aip = a[i * k + p];
                for (int j = 0; j < n; j++) {
                    row[j] += aip * b[p * n + j];
                }
            }
            for (int j = 0; j < n; j++) {
                c[i * n + j] = (float) row[j];
            }
        }
        return c;
    }

    /** {@code C[m x n] = A^T B} with A stored {@code [k x m]}. */
    public static float[] matmulTransposedA(float[] a, float[] b, int m, int n, int k) {
        return matmul(transpose(a, k, m), b, m, n, k);
    }

    /** The {@code [cols x rows]} transpose of a {@code [rows x cols]} matrix. */
    public static float[] transpose(float[] a, int rows, int cols) {
        requireLength("a", a, (long) rows * cols);
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[r * cols + c];
            }
        }
        return t;
    }

    /**
     * The gradient of the mean softmax cross-entropy of multiclass logistic regression:
     * {@code P = softmax(X W)} row-wise, loss {@code = -(1/n) sum_i log P[i, y_i]},
     * gradient {@code = (1/n) X^T (P - onehot(y))}.
     *
     * @param x      features {@code [n x d]}
     * @param labels classes {@code [n]} in {@code [0, k)}
     * @param w      weights {@code [d x k]}
     */
    public static Gradient logisticGradient(float[] x, int[] labels, float[] w, int n, int d, int k) {
        requireLength("x", x, (long) n * d);
        requireLength("w", w, (long) d * k);
        requireLabels(labels, n, k);
        double[] gradient = new double[d * k];
        double[] logits = new double[k];
        double loss = 0;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                double z = 0;
                for (int j = 0; j < d; j++) {
                    z += (double) x[i * d + j] * w[j * k + c];
                }
                logits[c] = z;
            }
            double max = Arrays.stream(logits).max().orElseThrow();
            double sum = 0;
            for (int c = 0; c < k; c++) {
                sum += Math.exp(logits[c] - max);
            }
            double logSum = Math.log(sum) + max;
            loss += logSum - logits[labels[i]];
            for (int c = 0; c < k; c++) {
                double residual = Math.exp(logits[c] - logSum) - (c == labels[i] ? 1 : 0);
                for (int j = 0; j < d; j++) {
                    gradient[j * k + c] += residual * x[i * d + j];
                }
            }
        }
        float[] mean = new float[d * k];
        for (int e = 0; e < mean.length; e++) {
            mean[e] = (float) (gradient[e] / n);
        }
        return new Gradient(mean, loss / n);
    }

    /** One step of gradient descent: {@code w - learningRate * gradient} as a new array (fused, as the kernel). */
    public static float[] logisticStep(float[] x, int[] labels, float[] w, int n, int d, int k, float learningRate) {
        return saxpy(-learningRate, logisticGradient(x, labels, w, n, d, k).gradient(), w);
    }

    /** The mean softmax cross-entropy alone. */
    public static double logisticLoss(float[] x, int[] labels, float[] w, int n, int d, int k) {
        return logisticGradient(x, labels, w, n, d, k).meanLoss();
    }

    /** The most likely class of each row of {@code x} under {@code w}. */
    public static int[] predict(float[] x, float[] w, int n, int d, int k) {
        float[] logits = matmul(x, w, n, k, d);
        int[] classes = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int c = 1; c < k; c++) {
                if (logits[i * k + c] > logits[i * k + best]) {
                    best = c;
                }
            }
            classes[i] = best;
        }
        return classes;
    }

    /** The fraction of rows whose predicted class is the label. */
    public static double accuracy(float[] x, int[] labels, float[] w, int n, int d, int k) {
        int[] predicted = predict(x, w, n, d, k);
        int right = 0;
        for (int i = 0; i < n; i++) {
            right += predicted[i] == labels[i] ? 1 : 0;
        }
        return (double) right / n;
    }

    /** The class of each one-hot row of {@code oneHot [n x k]}. */
    public static int[] labelsFromOneHot(float[] oneHot, int n, int k) {
        requireLength("oneHot", oneHot, (long) n * k);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int hot = -1;
            for (int c = 0; c < k; c++) {
                float v = oneHot[i * k + c];
                if (v == 1f && hot < 0) {
                    hot = c;
                } else if (v != 0f) {
                    throw new IllegalArgumentException("row " + i + " is not one-hot: " + Arrays.toString(
                        Arrays.copyOfRange(oneHot, i * k, i * k + k)));
                }
            }
            if (hot < 0) {
                throw new IllegalArgumentException("row " + i + " has no class set");
            }
            labels[i] = hot;
        }
        return labels;
    }

    /**
     * A logistic-regression gradient and the loss it was taken at.
     *
     * @param gradient {@code [d x k]}
     * @param meanLoss the mean cross-entropy at the weights given
     */
    public record Gradient(float[] gradient, double meanLoss) {
    }

    private static void requireLabels(int[] labels, int n, int k) {
        requireLength("labels", labels.length, n);
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= k) {
                throw new IllegalArgumentException("label " + i + " is " + labels[i] + ", outside [0, " + k + ")");
            }
        }
    }

    private static void requireLength(String name, float[] array, long length) {
        requireLength(name, array.length, length);
    }

    private static void requireLength(String name, int actual, long length) {
        if (actual != length) {
            throw new IllegalArgumentException(name + " has " + actual + " elements, the shapes need " + length);
        }
    }
}
