package io.mobula.gpu;

import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.JCudaDriver;

/**
 * One GPU's primary CUDA context, retained once and held for the life of the process, and the
 * kernels loaded into it. The primary context is the device's one shared context (the CUDA runtime
 * uses it too): memory a task allocates in it is valid for the next task on that device, whatever
 * thread runs it, which is what lets a {@link DeviceArray} pass between tasks without a copy.
 * <p>
 * Process-wide by nature: the driver keeps one primary context per device per process, so this
 * class keeps one object per device too. It is never released, because device arrays may outlive
 * any task and free their memory from the cleaner thread at any time.
 */
final class PrimaryContext {
    private static final Object LOCK = new Object();
    private static volatile PrimaryContext[] contexts;

    private final int ordinal;
    private final CUcontext context;
    private volatile KernelModule kernels;

    private PrimaryContext(int ordinal, CUcontext context) {
        this.ordinal = ordinal;
        this.context = context;
    }

    /**
     * @return the primary context of device {@code ordinal}, retained on first use.
     * @throws GpuUnavailableException if the machine has no GPU or no device {@code ordinal}.
     */
    static PrimaryContext of(int ordinal) {
        PrimaryContext[] all = contexts;
        if (all != null && ordinal >= 0 && ordinal < all.length && all[ordinal] != null) {
            return all[ordinal];
        }
        synchronized (LOCK) {
            GpuProbe.Result probe = GpuProbe.probe();
            if (!probe.available()) {
                throw new GpuUnavailableException("no GPU on this machine: " + probe.unavailableReason());
            }
            int count = probe.devices().size();
            if (ordinal < 0 || ordinal >= count) {
                throw new GpuUnavailableException("GPU " + ordinal + " does not exist: this machine has " + count
                    + " (ordinals 0 to " + (count - 1) + "); was the node started with more GPUs than it has "
                    + "(NodeContext.gpus)?");
            }
            all = contexts == null ? new PrimaryContext[count] : contexts.clone();
            if (all[ordinal] == null) {
                CUdevice device = new CUdevice();
                JCudaDriver.cuDeviceGet(device, ordinal);
                CUcontext context = new CUcontext();
                JCudaDriver.cuDevicePrimaryCtxRetain(context, device);
                all[ordinal] = new PrimaryContext(ordinal, context);
                contexts = all;
            }
            return all[ordinal];
        }
    }

    int ordinal() {
        return ordinal;
    }

    CUcontext context() {
        return context;
    }

    /** Makes this context current on the calling thread; cheap, so every operation calls it first. */
    void bind() {
        JCudaDriver.cuCtxSetCurrent(context);
    }

    /** The kernels, loaded into this context on first use (binds it on the calling thread). */
    KernelModule kernels() {
        KernelModule loaded = kernels;
        if (loaded == null) {
            synchronized (this) {
                loaded = kernels;
                if (loaded == null) {
                    bind();
                    loaded = KernelModule.load(this);
                    kernels = loaded;
                }
            }
        }
        return loaded;
    }
}
