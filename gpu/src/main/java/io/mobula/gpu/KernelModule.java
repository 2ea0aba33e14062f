package io.mobula.gpu;

import java.util.EnumMap;
import java.util.Map;

import jcuda.CudaException;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * The packaged kernels loaded into one device's primary context: the module and every
 * {@link Kernel}'s function, looked up once. Loading JIT-compiles the PTX for the device (the
 * driver caches the result on disk), so it happens once per device per process, on first use.
 * Immutable after loading; any thread that binds the device's context may launch its functions.
 */
public final class KernelModule {
    private final int deviceOrdinal;
    private final CUmodule module;
    private final Map<Kernel, CUfunction> functions;

    private KernelModule(int deviceOrdinal, CUmodule module, Map<Kernel, CUfunction> functions) {
        this.deviceOrdinal = deviceOrdinal;
        this.module = module;
        this.functions = functions;
    }

    /** Loads the PTX into {@code context}, which the calling thread has bound. */
    static KernelModule load(PrimaryContext context) {
        byte[] ptx = KernelPtx.load();
        CUmodule module = new CUmodule();
        try {
            JCudaDriver.cuModuleLoadData(module, ptx);
        } catch (CudaException e) {
            int[] driver = new int[1];
            JCudaDriver.cuDriverGetVersion(driver);
            throw new GpuUnavailableException("GPU " + context.ordinal() + " rejected the kernels' PTX (" + e.getMessage()
                + "); the driver supports CUDA " + driver[0] / 1000 + "." + driver[0] % 1000 / 10 + ". The PTX is built for "
                + "compute_80 with ISA 8.0 (CUDA 12.0 drivers and later); an older driver needs MOBULA_PTX_ISA lowered in "
                + "native/cuda/CMakeLists.txt", e);
        }
        Map<Kernel, CUfunction> functions = new EnumMap<>(Kernel.class);
        for (Kernel kernel : Kernel.values()) {
            CUfunction function = new CUfunction();
            JCudaDriver.cuModuleGetFunction(function, module, kernel.symbol());
            functions.put(kernel, function);
        }
        return new KernelModule(context.ordinal(), module, functions);
    }

    /** The device this module is loaded on. */
    public int deviceOrdinal() {
        return deviceOrdinal;
    }

    /** The function of {@code kernel}, for a launch in this device's context. */
    public CUfunction function(Kernel kernel) {
        return functions.get(kernel);
    }

    /** The loaded module, for lookups of one's own (globals, textures). */
    public CUmodule module() {
        return module;
    }
}
