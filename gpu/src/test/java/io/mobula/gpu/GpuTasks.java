package io.mobula.gpu;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Task functions for the GPU tests: each runs a kernel in the task's GPU context. The host-array
 * ones upload, run and download; the device-array ones leave their result on the device.
 */
final class GpuTasks {
    /** The last array {@link #upload} made, so a later task can check it received that very object. */
    static final AtomicReference<DeviceArray> UPLOADED = new AtomicReference<>();

    private GpuTasks() {
    }

    static float[] vectorAdd(float[] a, float[] b) {
        GpuContext gpu = GpuContext.current();
        return GpuKernels.vectorAdd(DeviceArray.fromHost(gpu, a), DeviceArray.fromHost(gpu, b)).toFloatArray();
    }

    static float[] saxpy(float alpha, float[] x, float[] y) {
        GpuContext gpu = GpuContext.current();
        return GpuKernels.saxpy(alpha, DeviceArray.fromHost(gpu, x), DeviceArray.fromHost(gpu, y)).toFloatArray();
    }

    static float[] matmul(float[] a, float[] b, int m, int n, int k) {
        GpuContext gpu = GpuContext.current();
        return GpuKernels.matmul(DeviceArray.fromHost(gpu, a), DeviceArray.fromHost(gpu, b), m, n, k).toFloatArray();
    }

    static float[] matmulTransposedA(float[] a, float[] b, int m, int n, int k) {
        GpuContext gpu = GpuContext.current();
        return GpuKernels.matmulTransposedA(DeviceArray.fromHost(gpu, a), DeviceArray.fromHost(gpu, b), m, n, k)
            .toFloatArray();
    }

    /** @return the gradient {@code [d x k]} followed by the mean loss (one more float). */
    static float[] logisticGradient(float[] x, int[] labels, float[] w, int n, int d, int k) {
        GpuContext gpu = GpuContext.current();
        GpuKernels.LogisticResult result = GpuKernels.logisticGradient(DeviceArray.fromHost(gpu, x),
            DeviceArray.fromHost(gpu, labels), DeviceArray.fromHost(gpu, w), n, d, k);
        return withLoss(result);
    }

    /** @param shape {@code {n, d, k}}; @return the new weights followed by the mean loss. */
    static float[] logisticStep(float[] x, int[] labels, float[] w, int[] shape, float learningRate) {
        GpuContext gpu = GpuContext.current();
        GpuKernels.LogisticResult result = GpuKernels.logisticStep(DeviceArray.fromHost(gpu, x),
            DeviceArray.fromHost(gpu, labels), DeviceArray.fromHost(gpu, w), shape[0], shape[1], shape[2], learningRate);
        return withLoss(result);
    }

    private static float[] withLoss(GpuKernels.LogisticResult result) {
        float[] values = result.values().toFloatArray();
        float[] out = java.util.Arrays.copyOf(values, values.length + 1);
        out[values.length] = result.meanLoss();
        return out;
    }

    static DeviceArray upload(float[] values) {
        DeviceArray array = DeviceArray.fromHost(GpuContext.current(), values);
        UPLOADED.set(array);
        return array;
    }

    static boolean isTheUploaded(DeviceArray array) {
        return array == UPLOADED.get();
    }

    static DeviceArray saxpyOnDevice(float alpha, DeviceArray x) {
        GpuContext.current();
        return GpuKernels.saxpy(alpha, x, x);
    }

    /** A CPU task: what a task without a GPU receives for a device array's ref. */
    static double sum(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        return sum;
    }

    /** Where the task's context points, and whether asking twice on one thread gives the same context. */
    static int[] contextOfTask() {
        GpuContext first = GpuContext.current();
        GpuContext second = GpuContext.current();
        return new int[] {first.deviceOrdinal(), first == second ? 1 : 0, first.kernels() == second.kernels() ? 1 : 0};
    }
}
