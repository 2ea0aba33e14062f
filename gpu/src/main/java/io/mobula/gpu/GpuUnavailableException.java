package io.mobula.gpu;

/**
 * The GPU work cannot run on this machine: no CUDA driver or device, a device ordinal the machine
 * does not have, or a gpu jar built without the kernels (no {@code nvcc} at build time). The
 * message names which, and what to change.
 */
public final class GpuUnavailableException extends IllegalStateException {
    public GpuUnavailableException(String message) {
        super(message);
    }

    public GpuUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
