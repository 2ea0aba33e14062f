package io.mobula.gpu;

import org.junit.jupiter.api.Assumptions;

/** For tests tagged {@code gpu}: skip, with the probe's reason, where there is no GPU. */
final class GpuAssumptions {
    private GpuAssumptions() {
    }

    static void assumeGpu() {
        GpuProbe.Result probe = GpuProbe.probe();
        Assumptions.assumeTrue(probe.available(), () -> "no GPU: " + probe.unavailableReason());
    }

    static void assumeGpus(int count) {
        assumeGpu();
        int found = GpuProbe.probe().devices().size();
        Assumptions.assumeTrue(found >= count, () -> "needs " + count + " GPUs, this machine has " + found);
    }
}
