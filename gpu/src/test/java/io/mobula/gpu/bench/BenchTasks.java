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
}
