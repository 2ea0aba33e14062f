package io.mobula.gpu;

import jcuda.driver.JCudaDriver;

/**
 * The packaged kernels as array operations. Each runs on the device of its inputs, on the calling
 * thread's stream there ({@link GpuContext#forDevice}), returns a new array and returns once the
 * work is enqueued: the result's contents are ready when its write event fires, which every later
 * launch, copy and {@code toHost} waits for. Inputs are never written.
 * <p>
 * Each has a CPU reference in {@link CpuKernels} that the GPU tests compare with.
 *
 * @throws IllegalArgumentException from every method when shapes, element types or devices do
 *                                  not fit; nothing is launched then.
 */
public final class GpuKernels {
    private GpuKernels() {
    }

    /** {@code a + b}, element-wise. */
    public static DeviceArray vectorAdd(DeviceArray a, DeviceArray b) {
        requireFloats("a", a, b.length());
        requireFloats("b", b, a.length());
        GpuContext gpu = on(a, b);
        DeviceArray c = gpu.allocateFloats(a.length());
        gpu.launch(Kernel.VECTOR_ADD, LaunchShape.linear(a.length()), a, b, c, a.length());
        c.markWritten(gpu);
        return c;
    }

    /** {@code alpha * x + y}, element-wise, fused (one rounding, as {@link Math#fma(float, float, float)}). */
    public static DeviceArray saxpy(float alpha, DeviceArray x, DeviceArray y) {
        requireFloats("x", x, y.length());
        requireFloats("y", y, x.length());
        GpuContext gpu = on(x, y);
        DeviceArray out = gpu.allocateFloats(x.length());
        gpu.launch(Kernel.SAXPY, LaunchShape.linear(x.length()), alpha, x, y, out, x.length());
        out.markWritten(gpu);
        return out;
    }

    /** {@code C[m x n] = A[m x k] B[k x n]}, all row-major. */
    public static DeviceArray matmul(DeviceArray a, DeviceArray b, int m, int n, int k) {
        return multiply(Kernel.MATMUL, a, b, m, n, k);
    }

    /** {@code C[m x n] = A^T B} where A is stored {@code [k x m]} and B {@code [k x n]}, row-major. */
    public static DeviceArray matmulTransposedA(DeviceArray a, DeviceArray b, int m, int n, int k) {
        return multiply(Kernel.MATMUL_TN, a, b, m, n, k);
    }

    private static DeviceArray multiply(Kernel kernel, DeviceArray a, DeviceArray b, int m, int n, int k) {
        requireDimensions(m, n, k);
        requireFloats("A", a, (long) m * k);
        requireFloats("B", b, (long) k * n);
        GpuContext gpu = on(a, b);
        DeviceArray c = gpu.allocateFloats(Math.toIntExact((long) m * n));
        gpu.launch(kernel, LaunchShape.matmul(m, n), a, b, c, m, n, k);
        c.markWritten(gpu);
        return c;
    }

    /**
     * The gradient of the mean softmax cross-entropy of multiclass logistic regression.
     *
     * @param x      features {@code [n x d]}
     * @param labels classes {@code [n]}, each in {@code [0, k)} (one outside makes the loss NaN)
     * @param w      weights {@code [d x k]}
     * @return the gradient {@code [d x k]} and the mean loss at {@code w}
     */
    public static LogisticResult logisticGradient(DeviceArray x, DeviceArray labels, DeviceArray w, int n, int d, int k) {
        requireDimensions(n, d, k);
        requireFloats("x", x, (long) n * d);
        requireFloats("w", w, (long) d * k);
        requireInts("labels", labels, n);
        GpuContext gpu = on(x, w);
        on(x, labels);
        DeviceArray dlogits = matmul(x, w, n, k, d);
        DeviceArray loss = gpu.allocateFloats(1);
        JCudaDriver.cuMemsetD32Async(loss.pointer(), 0, 1, gpu.stream());
        gpu.launch(Kernel.SOFTMAX_XENT_GRAD, LaunchShape.linear(n), dlogits, labels, dlogits, loss, n, k, 1.0f / n);
        dlogits.markWritten(gpu);
        loss.markWritten(gpu);
        DeviceArray gradient = matmulTransposedA(x, dlogits, d, k, n);
        return new LogisticResult(gradient, loss);
    }

    /**
     * One step of gradient descent: {@code w - learningRate * gradient}, as a new array.
     *
     * @return the new weights {@code [d x k]} and the mean loss at the old ones
     */
    public static LogisticResult logisticStep(DeviceArray x, DeviceArray labels, DeviceArray w, int n, int d, int k,
                                              float learningRate) {
        LogisticResult gradient = logisticGradient(x, labels, w, n, d, k);
        return new LogisticResult(saxpy(-learningRate, gradient.values(), w), gradient.loss());
    }

    /**
     * What a logistic-regression kernel returns, both on the device.
     *
     * @param values the gradient or the new weights, {@code [d x k]}
     * @param loss   one float: the mean cross-entropy over the rows
     */
    public record LogisticResult(DeviceArray values, DeviceArray loss) {
        /** Copies the loss to the host (waits for the kernels). */
        public float meanLoss() {
            return loss.toFloatArray()[0];
        }
    }

    private static GpuContext on(DeviceArray first, DeviceArray second) {
        if (first.deviceOrdinal() != second.deviceOrdinal()) {
            throw new IllegalArgumentException("the inputs are on GPU " + first.deviceOrdinal() + " and GPU "
                + second.deviceOrdinal() + "; copy one with copyToDevice(" + first.deviceOrdinal() + ")");
        }
        return GpuContext.forDevice(first.deviceOrdinal());
    }

    private static void requireDimensions(int... dimensions) {
        for (int dimension : dimensions) {
            if (dimension <= 0) {
                throw new IllegalArgumentException("dimensions must be > 0, got " + java.util.Arrays.toString(dimensions));
            }
        }
    }

    private static void requireFloats(String name, DeviceArray array, long length) {
        if (array.elementType() != DeviceArray.ElementType.FLOAT32) {
            throw new IllegalArgumentException(name + " must be a FLOAT32 array, got " + array);
        }
        requireLength(name, array, length);
    }

    private static void requireInts(String name, DeviceArray array, long length) {
        if (array.elementType() != DeviceArray.ElementType.INT32) {
            throw new IllegalArgumentException(name + " must be an INT32 array, got " + array);
        }
        requireLength(name, array, length);
    }

    private static void requireLength(String name, DeviceArray array, long length) {
        if (array.length() != length) {
            throw new IllegalArgumentException(name + " has " + array.length() + " elements, the shapes need " + length);
        }
    }
}
