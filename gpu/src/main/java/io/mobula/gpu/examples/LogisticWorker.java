package io.mobula.gpu.examples;

import io.mobula.ActorHandle;
import io.mobula.ObjectRef;
import io.mobula.gpu.CpuKernels;
import io.mobula.gpu.DeviceArray;
import io.mobula.gpu.GpuContext;
import io.mobula.gpu.GpuKernels;

/**
 * The worker tasks of {@link GpuParameterServerProgram}, which train against a {@link LogisticServer}.
 * A shard goes to the GPU once ({@link #upload}, {@link #uploadLabels}: the tasks return device
 * arrays, which the runtime leaves on the device); each step then receives those same arrays,
 * pulls the weights, runs the gradient kernels and pushes the gradient. {@link #cpuStep} is the
 * same step on the CPU reference, for nodes without a GPU.
 */
public final class LogisticWorker {
    private LogisticWorker() {
    }

    /** A GPU task: the features of a shard, on the task's device. */
    public static DeviceArray upload(float[] values) {
        return DeviceArray.fromHost(GpuContext.current(), values);
    }

    /** A GPU task: the labels of a shard, on the task's device. */
    public static DeviceArray uploadLabels(int[] labels) {
        return DeviceArray.fromHost(GpuContext.current(), labels);
    }

    /**
     * A GPU task: one gradient step on a device-resident shard. Waits for its push, so once every
     * worker's step is done, every gradient has been applied.
     *
     * @return the shard's mean loss at the weights pulled
     */
    public static float gpuStep(ActorHandle<LogisticServer> server, DeviceArray x, DeviceArray labels, int d, int k) {
        GpuContext gpu = GpuContext.current();
        int n = labels.length();
        float[] weights = server.task(LogisticServer::pull).remote().get();
        GpuKernels.LogisticResult result = GpuKernels.logisticGradient(x, labels, DeviceArray.fromHost(gpu, weights), n, d, k);
        ObjectRef<Void> pushed = server.task(LogisticServer::push, result.values().toFloatArray()).remote();
        float loss = result.meanLoss();
        pushed.get();
        return loss;
    }

    /** A CPU task: {@link #gpuStep} on the CPU reference. */
    public static float cpuStep(ActorHandle<LogisticServer> server, float[] x, int[] labels, int d, int k) {
        float[] weights = server.task(LogisticServer::pull).remote().get();
        CpuKernels.Gradient gradient = CpuKernels.logisticGradient(x, labels, weights, labels.length, d, k);
        server.task(LogisticServer::push, gradient.gradient()).remote().get();
        return (float) gradient.meanLoss();
    }
}
