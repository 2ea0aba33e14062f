package io.mobula.spi;

import java.util.List;

/**
 * Finds the GPUs of this machine. A node asks every detector on the class path (through
 * {@link java.util.ServiceLoader}) when its GPU count is not configured, and advertises that many
 * {@code GPU} resources. Implementations must not throw: no driver means no GPUs.
 */
public interface GpuDetector {
    /** @return the GPUs found, in device-ordinal order; empty when there are none. */
    List<GpuInfo> detect();

    /** One GPU as the node advertises it. */
    record GpuInfo(int ordinal, String name, long memoryBytes) {
    }
}
