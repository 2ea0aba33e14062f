package io.mobula.gpu;

import java.lang.ref.Reference;
import java.util.List;

import io.mobula.Mobula;
import jcuda.Pointer;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * The calling thread's handle on one GPU: the device's primary context bound to the thread, and a
 * stream of the thread's own on which it launches kernels. Get it with {@link #current()} inside a
 * task or actor that asked for a GPU:
 * <pre>{@code
 * static float[] saxpy(float alpha, float[] x, float[] y) {   // submitted with .resources("GPU", 1)
 *     GpuContext gpu = GpuContext.current();
 *     DeviceArray out = GpuKernels.saxpy(alpha, DeviceArray.fromHost(gpu, x), DeviceArray.fromHost(gpu, y));
 *     return out.toFloatArray();
 * }
 * }</pre>
 * Contexts are per device (the primary context, shared by every thread and task on it); streams
 * are per thread and device, created on first use and destroyed when the thread is gone. A
 * {@code GpuContext} belongs to the thread that got it: use it on that thread only.
 * <p>
 * Ordering: work on one context's stream runs in order. Across streams, {@link DeviceArray}s carry
 * an event of their last write, and {@link #launch} makes the stream wait for it, so a task may use
 * an array another task's stream produced. The streams block on the legacy default stream, so the
 * synchronous copies of {@link DeviceArray#fromHost} are ordered before later launches too.
 */
public final class GpuContext {
    private static final ThreadLocal<GpuContext[]> BY_DEVICE = ThreadLocal.withInitial(() -> new GpuContext[0]);

    private final PrimaryContext primary;
    private final CUstream stream;

    private GpuContext(PrimaryContext primary, CUstream stream) {
        this.primary = primary;
        this.stream = stream;
    }

    /**
     * The context of the calling task's first GPU ({@code Mobula.current().gpuIds().get(0)}), bound
     * to the calling thread.
     *
     * @throws IllegalStateException   outside a task or actor, or in one that holds no GPU; the
     *                                 message names the fix, {@code .resources("GPU", 1)}.
     * @throws GpuUnavailableException if the node declared a GPU this machine does not have.
     */
    public static GpuContext current() {
        List<Integer> gpus;
        try {
            gpus = Mobula.current().gpuIds();
        } catch (IllegalStateException outsideTask) {
            throw new IllegalStateException("GpuContext.current() works only inside a task or actor that holds a GPU: "
                + "submit it with .resources(\"GPU\", 1); outside tasks use GpuContext.forDevice(ordinal)", outsideTask);
        }
        if (gpus.isEmpty()) {
            throw new IllegalStateException("this task holds no GPU, so GpuContext.current() has none to give: submit it "
                + "with .resources(\"GPU\", 1) (or a fraction such as .resources(\"GPU\", 0.5) to share a device)");
        }
        return forDevice(gpus.get(0));
    }

    /**
     * The calling thread's context for device {@code ordinal}, bound to the thread: for drivers,
     * benchmarks and tools outside tasks. Inside a task prefer {@link #current()}, which uses the
     * device the scheduler gave the task.
     *
     * @throws GpuUnavailableException without a GPU, or without device {@code ordinal}.
     */
    public static GpuContext forDevice(int ordinal) {
        PrimaryContext primary = PrimaryContext.of(ordinal);
        GpuContext[] mine = BY_DEVICE.get();
        if (ordinal >= mine.length) {
            mine = java.util.Arrays.copyOf(mine, ordinal + 1);
            BY_DEVICE.set(mine);
        }
        GpuContext context = mine[ordinal];
        if (context == null) {
            context = create(primary);
            mine[ordinal] = context;
        } else {
            context.bind();
        }
        return context;
    }

    private static GpuContext create(PrimaryContext primary) {
        primary.bind();
        CUstream stream = new CUstream();
        // Blocking (not CU_STREAM_NON_BLOCKING): see the class comment on ordering.
        JCudaDriver.cuStreamCreate(stream, jcuda.driver.CUstream_flags.CU_STREAM_DEFAULT);
        GpuCleaner.CLEANER.register(Thread.currentThread(), new StreamRelease(primary, stream));
        return new GpuContext(primary, stream);
    }

    /** The device's ordinal. */
    public int deviceOrdinal() {
        return primary.ordinal();
    }

    /** This thread's stream on the device: the order of everything launched through this context. */
    public CUstream stream() {
        return stream;
    }

    /** The packaged kernels on this device, loaded on first use. */
    public KernelModule kernels() {
        return primary.kernels();
    }

    /** A new, uninitialised float array of {@code length} elements on this device. */
    public DeviceArray allocateFloats(int length) {
        return DeviceArray.allocate(this, DeviceArray.ElementType.FLOAT32, length);
    }

    /** A new, uninitialised int array of {@code length} elements on this device. */
    public DeviceArray allocateInts(int length) {
        return DeviceArray.allocate(this, DeviceArray.ElementType.INT32, length);
    }

    /**
     * Enqueues {@code kernel} on this thread's stream. Arguments follow {@link Kernel#params()}:
     * for a {@code POINTER} a {@link DeviceArray} on this device (the stream first waits for its
     * last write), a {@link jcuda.driver.CUdeviceptr} or {@code null}; for an {@code INT} an {@link Integer}; for
     * a {@code FLOAT} a {@link Float}. Returns once enqueued; the caller records the write on any
     * array the kernel wrote ({@link DeviceArray#markWritten}).
     *
     * @throws IllegalArgumentException if the count or a type does not fit; nothing is launched.
     */
    public void launch(Kernel kernel, LaunchShape shape, Object... args) {
        Pointer[] params = KernelArguments.pack(kernel, deviceOrdinal(), args);
        var function = kernels().function(kernel);
        bind();
        for (Object arg : args) {
            if (arg instanceof DeviceArray array) {
                array.awaitOn(this);
            }
        }
        JCudaDriver.cuLaunchKernel(function, shape.gridX(), shape.gridY(), 1, shape.blockX(), shape.blockY(), 1,
            0, stream, Pointer.to(params), null);
        Reference.reachabilityFence(args); // no array may be freed before its pointer is enqueued
    }

    /** Waits until everything enqueued on this thread's stream has run. */
    public void synchronize() {
        bind();
        JCudaDriver.cuStreamSynchronize(stream);
    }

    /** Makes the device's primary context current on the calling thread. */
    void bind() {
        primary.bind();
    }

    PrimaryContext primary() {
        return primary;
    }

    @Override
    public String toString() {
        return "GpuContext[GPU " + deviceOrdinal() + "]";
    }

    /** Destroys a dead thread's stream; holds no reference to the thread or its context object. */
    private record StreamRelease(PrimaryContext primary, CUstream stream) implements Runnable {
        @Override
        public void run() {
            try {
                primary.bind();
                JCudaDriver.cuStreamDestroy(stream);
            } catch (RuntimeException e) {
                System.err.println("mobula-gpu: could not destroy a stream on GPU " + primary.ordinal() + ": " + e);
            }
        }
    }
}
