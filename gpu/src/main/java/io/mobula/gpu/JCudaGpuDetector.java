package io.mobula.gpu;

import java.util.List;

import io.mobula.spi.GpuDetector;

/**
 * The node's GPU detector (registered in {@code META-INF/services}): reports what {@link GpuProbe}
 * found. The probe runs once per process and latches "no GPU", so asking again costs nothing and a
 * machine without a CUDA driver answers an empty list instead of throwing.
 */
public final class JCudaGpuDetector implements GpuDetector {
    /** For {@link java.util.ServiceLoader}. */
    public JCudaGpuDetector() {
    }

    /** @return the CUDA devices in ordinal order; empty without a driver or a device. Never throws. */
    @Override
    public List<GpuInfo> detect() {
        return GpuProbe.probe().devices().stream()
            .map(device -> new GpuInfo(device.ordinal(), device.name(), device.memoryBytes()))
            .toList();
    }
}
