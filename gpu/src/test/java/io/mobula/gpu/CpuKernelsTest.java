package io.mobula.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The CPU references the GPU kernels are compared with: checked by hand and by numerical gradients. */
class CpuKernelsTest {
    @Test
    void vectorAddAndSaxpyByHand() {
        assertArrayEquals(new float[] {5, 7, 9}, CpuKernels.vectorAdd(new float[] {1, 2, 3}, new float[] {4, 5, 6}));
        assertArrayEquals(new float[] {6, 9, 12}, CpuKernels.saxpy(2, new float[] {1, 2, 3}, new float[] {4, 5, 6}));
        assertArrayEquals(new float[0], CpuKernels.saxpy(2, new float[0], new float[0]));
        assertThrows(IllegalArgumentException.class, () -> CpuKernels.vectorAdd(new float[2], new float[3]));
    }

    @Test
    void saxpyRoundsOnceAsTheKernelsFma() {
        float alpha = 1f / 3;
        float x = 3f;
        float y = -1f;
        assertEquals(Math.fma(alpha, x, y), CpuKernels.saxpy(alpha, new float[] {x}, new float[] {y})[0]);
    }

    @Test
    void matmulByHand() {
        // [1 2 3]   [ 7  8]   [ 58  64]
        // [4 5 6] x [ 9 10] = [139 154]
        //           [11 12]
        float[] a = {1, 2, 3, 4, 5, 6};
        float[] b = {7, 8, 9, 10, 11, 12};
        assertArrayEquals(new float[] {58, 64, 139, 154}, CpuKernels.matmul(a, b, 2, 2, 3));
        float[] aT = CpuKernels.transpose(a, 2, 3);
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, aT);
        assertArrayEquals(new float[] {58, 64, 139, 154}, CpuKernels.matmulTransposedA(aT, b, 2, 2, 3));
        assertThrows(IllegalArgumentException.class, () -> CpuKernels.matmul(a, b, 3, 2, 3));
    }

    @Test
    void matmulWithIdentityIsTheMatrix() {
        float[] a = random(5 * 4, 1);
        float[] identity = new float[16];
        for (int i = 0; i < 4; i++) {
            identity[i * 4 + i] = 1;
        }
        assertArrayEquals(a, CpuKernels.matmul(a, identity, 5, 4, 4));
    }

    @Test
    void logisticGradientAtZeroWeightsByHand() {
        // W = 0: every class has p = 1/k, the loss is log k, and the gradient is X^T (1/k - Y) / n.
        float[] x = {1, 2, 3, -1};          // n = 2, d = 2
        int[] labels = {0, 2};               // k = 3
        CpuKernels.Gradient g = CpuKernels.logisticGradient(x, labels, new float[6], 2, 2, 3);
        assertEquals(Math.log(3), g.meanLoss(), 1e-12);
        float third = 1f / 3;
        float[] expected = {
            (1 * (third - 1) + 3 * third) / 2, (1 * third + 3 * third) / 2, (1 * third + 3 * (third - 1)) / 2,
            (2 * (third - 1) - 1 * third) / 2, (2 * third - 1 * third) / 2, (2 * third - 1 * (third - 1)) / 2,
        };
        assertArrayEquals(expected, g.gradient(), 1e-6f);
    }

    @Test
    void logisticGradientMatchesCentralDifferences() {
        int n = 7;
        int d = 4;
        int k = 3;
        float[] x = random(n * d, 2);
        float[] w = random(d * k, 3);
        int[] labels = {0, 1, 2, 2, 1, 0, 1};
        float[] gradient = CpuKernels.logisticGradient(x, labels, w, n, d, k).gradient();
        double h = 1e-3;
        for (int e = 0; e < w.length; e++) {
            float[] plus = w.clone();
            float[] minus = w.clone();
            plus[e] += (float) h;
            minus[e] -= (float) h;
            double numeric = (CpuKernels.logisticLoss(x, labels, plus, n, d, k)
                - CpuKernels.logisticLoss(x, labels, minus, n, d, k)) / (plus[e] - minus[e]);
            assertEquals(numeric, gradient[e], 1e-4, "d loss / d w[" + e + "]");
        }
    }

    @Test
    void logisticStepLowersTheLossAndTrainsASeparableSet() {
        int n = 60;
        int d = 2;
        int k = 3;
        float[] x = new float[n * d];
        int[] labels = new int[n];
        SplittableRandom random = new SplittableRandom(4);
        float[][] centres = {{4, 0}, {-4, 0}, {0, 4}};
        for (int i = 0; i < n; i++) {
            labels[i] = i % k;
            x[i * d] = centres[labels[i]][0] + (float) (random.nextDouble() - 0.5);
            x[i * d + 1] = centres[labels[i]][1] + (float) (random.nextDouble() - 0.5);
        }
        float[] w = new float[d * k];
        double before = CpuKernels.logisticLoss(x, labels, w, n, d, k);
        for (int step = 0; step < 50; step++) {
            w = CpuKernels.logisticStep(x, labels, w, n, d, k, 0.5f);
        }
        assertTrue(CpuKernels.logisticLoss(x, labels, w, n, d, k) < before / 5);
        assertEquals(1.0, CpuKernels.accuracy(x, labels, w, n, d, k));
    }

    @Test
    void labelsAreChecked() {
        assertArrayEquals(new int[] {2, 0}, CpuKernels.labelsFromOneHot(new float[] {0, 0, 1, 1, 0, 0}, 2, 3));
        assertThrows(IllegalArgumentException.class, () -> CpuKernels.labelsFromOneHot(new float[] {1, 1, 0}, 1, 3));
        assertThrows(IllegalArgumentException.class, () -> CpuKernels.labelsFromOneHot(new float[] {0, 0, 0}, 1, 3));
        assertThrows(IllegalArgumentException.class,
            () -> CpuKernels.logisticGradient(new float[2], new int[] {3}, new float[6], 1, 2, 3));
    }

    static float[] random(int length, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return values;
    }
}
