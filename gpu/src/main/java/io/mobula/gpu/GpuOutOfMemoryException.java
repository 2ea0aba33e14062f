package io.mobula.gpu;

/**
 * A device allocation failed although unreachable {@link DeviceArray}s were collected first: the
 * live arrays on that GPU fill it. Free some (drop their refs) or use smaller arrays.
 */
public final class GpuOutOfMemoryException extends RuntimeException {
    public GpuOutOfMemoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
