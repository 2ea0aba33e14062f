package io.mobula.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;


/** Every kernel against its CPU reference on random data, each run as a Mobula task holding a GPU. */
@Tag("gpu")
class GpuKernelsGpuTest extends GpuNodeTest {



    @Test
    void vectorAdd() {
        for (int n : new int[] {1, 255, 256, 257, 1_000_003}) {
            float[] a = random(n, n);
            float[] b = random(n, n + 1);
            float[] gpu = mobula.task(GpuTasks::vectorAdd, a, b).resources("GPU", 1).remote().get();
            assertArrayEquals(CpuKernels.vectorAdd(a, b), gpu, 0, "n = " + n);
        }
    }

    @Test
    void saxpy() {
        for (int n : new int[] {1, 1000, 1 << 20}) {
            float[] x = random(n, 7);
            float[] y = random(n, 8);
            float[] gpu = mobula.task(GpuTasks::saxpy, 0.75f, x, y).resources("GPU", 1).remote().get();
            assertArrayEquals(CpuKernels.saxpy(0.75f, x, y), gpu, 0, "fused on both sides: bit-equal, n = " + n);
        }
    }

    @Test
    void matmulOfAnyShape() {
        int[][] shapes = {{1, 1, 1}, {67, 45, 93}, {64, 64, 16}, {128, 256, 64}, {300, 200, 129}, {5, 1000, 3}};
        for (int[] s : shapes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            float[] a = random(m * k, m);
            float[] b = random(k * n, n);
            float[] gpu = mobula.task(GpuTasks::matmul, a, b, m, n, k).resources("GPU", 1).remote().get();
            assertArrayEquals(CpuKernels.matmul(a, b, m, n, k), gpu, 1e-5f * k, "C = A B, " + Arrays.toString(s));
            float[] aT = CpuKernels.transpose(a, m, k);
            float[] gpuT = mobula.task(GpuTasks::matmulTransposedA, aT, b, m, n, k).resources("GPU", 1).remote().get();
            assertArrayEquals(CpuKernels.matmul(a, b, m, n, k), gpuT, 1e-5f * k, "C = A^T B, " + Arrays.toString(s));
        }
    }

    @Test
    void logisticGradientAndStep() {
        int n = 1000;
        int d = 64;
        int k = 10;
        float[] x = random(n * d, 11);
        float[] w = random(d * k, 12);
        int[] labels = new SplittableRandom(13).ints(n, 0, k).toArray();

        float[] gpu = mobula.task(GpuTasks::logisticGradient, x, labels, w, n, d, k).resources("GPU", 1).remote().get();
        CpuKernels.Gradient cpu = CpuKernels.logisticGradient(x, labels, w, n, d, k);
        assertArrayEquals(cpu.gradient(), Arrays.copyOf(gpu, d * k), 5e-5f, "gradient (float sums over 1000 rows)");
        assertEquals(cpu.meanLoss(), gpu[d * k], 1e-3 * cpu.meanLoss(), "mean loss (float atomics: order varies)");

        float[] step = mobula.task(GpuTasks::logisticStep, x, labels, w, new int[] {n, d, k}, 0.1f)
            .resources("GPU", 1).remote().get();
        assertArrayEquals(CpuKernels.logisticStep(x, labels, w, n, d, k, 0.1f), Arrays.copyOf(step, d * k), 5e-5f, "step");
    }

    @Test
    void aLabelOutsideTheClassesMakesTheLossNaN() {
        float[] gpu = mobula.task(GpuTasks::logisticGradient, new float[] {1, 2}, new int[] {3}, new float[6], 1, 2, 3)
            .resources("GPU", 1).remote().get();
        assertTrue(Float.isNaN(gpu[6]), "loss " + gpu[6]);
    }

    static void assertArrayEquals(float[] expected, float[] actual, float tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(expected[i] - actual[i]) > tolerance) {
                throw new AssertionError(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i]
                    + " (within " + tolerance + ")");
            }
        }
    }

    static float[] random(int length, long seed) {
        return CpuKernelsTest.random(length, seed);
    }
}
