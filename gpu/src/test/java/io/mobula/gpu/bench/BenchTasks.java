package io.mobula.gpu.bench;

import io.mobula.gpu.DeviceArray;
import io.mobula.gpu.GpuContext;
import io.mobula.gpu.GpuKernels;
import io.mobula.gpu.Kernel;
import io.mobula.gpu.LaunchShape;

/** The task functions the GPU benchmarks submit. */
final class BenchTasks {
    /** The chains' step: {@code x + ALPHA x}, so 100 steps neither overflow nor vanish. */
    static final float ALPHA = 0.001f;

    private BenchTasks() {
    }

    /** A CPU task that does nothing: the runtime's own round trip. */
    static int nothing() {
        return 0;
    }

    /** A GPU task that launches the empty-sized vector add and waits for it: a kernel's round trip through the runtime. */
    static int emptyKernel() {
        GpuContext gpu = GpuContext.current();
        gpu.launch(Kernel.VECTOR_ADD, LaunchShape.linear(0), null, null, null, 0);
        gpu.synchronize();
        return 0;
    }

    static DeviceArray upload(float[] values) {
        return DeviceArray.fromHost(GpuContext.current(), values);
    }

    /** One step of the device-resident chain: the input arrives on the device, the output stays there. */
    static DeviceArray stepOnDevice(DeviceArray x) {
        GpuContext.current();
        return GpuKernels.saxpy(ALPHA, x, x);
    }

    /** One step of the host chain: upload, the same kernel, download. */
    static float[] stepThroughHost(float[] x) {
        GpuContext gpu = GpuContext.current();
        DeviceArray device = DeviceArray.fromHost(gpu, x);
        return GpuKernels.saxpy(ALPHA, device, device).toFloatArray();
    }

    /** A device array of {@code n} floats. */
    public static io.mobula.gpu.DeviceArray filled(int n) {
        return io.mobula.gpu.DeviceArray.fromHost(io.mobula.gpu.GpuContext.current(), new float[n]);
    }

    /** Waits for an array to be settled on its device. */
    public static int touch(io.mobula.gpu.DeviceArray array) {
        io.mobula.gpu.GpuContext.current().synchronize();
        return array.length();
    }

    /** H2D GB/s into an existing device array from a store object (median of 5), on the calling task's device. */
    public static double storeToDevice(java.lang.foreign.MemorySegment floats) {
        io.mobula.gpu.DeviceArray array = io.mobula.gpu.DeviceArray.fromSegment(io.mobula.gpu.GpuContext.current(), floats,
            io.mobula.gpu.DeviceArray.ElementType.FLOAT32); // pins the object's chunks once
        double[] rates = new double[5];
        for (int i = 0; i < rates.length; i++) {
            long start = System.nanoTime();
            array.copyFrom(floats);
            rates[i] = floats.byteSize() / 1e9 / ((System.nanoTime() - start) / 1e9);
        }
        java.util.Arrays.sort(rates);
        return rates[2];
    }

    /** Copies a store segment onto the device; returns the seconds the copy took. */
    public static double uploadSegment(java.lang.foreign.MemorySegment floats) {
        long start = System.nanoTime();
        io.mobula.gpu.DeviceArray array = io.mobula.gpu.DeviceArray.fromSegment(io.mobula.gpu.GpuContext.current(), floats,
            io.mobula.gpu.DeviceArray.ElementType.FLOAT32);
        double seconds = (System.nanoTime() - start) / 1e9;
        java.lang.ref.Reference.reachabilityFence(array);
        return seconds;
    }
}
