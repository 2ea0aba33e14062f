package io.mobula.gpu;

import java.util.ArrayList;
import java.util.List;

import jcuda.driver.CUdevice;
import jcuda.driver.JCudaDriver;

/**
 * Finds the node's GPUs through JCuda, once. Without a CUDA driver JCuda throws
 * {@link UnsatisfiedLinkError} on first use and {@link NoClassDefFoundError} after, so the first
 * answer is latched and every later call returns it without touching JCuda again.
 */
public final class GpuProbe {
    private static final Object LOCK = new Object();
    private static volatile Result result;

    private GpuProbe() {
    }

    /** What the probe found: devices (maybe none) and, when none, why. */
    public record Result(List<Device> devices, String unavailableReason) {
        public boolean available() {
            return !devices.isEmpty();
        }
    }

    /** One GPU: its ordinal, name and memory. */
    public record Device(int ordinal, String name, long memoryBytes) {
    }

    /** @return the devices found on the first call; never throws. */
    public static Result probe() {
        Result r = result;
        if (r == null) {
            synchronized (LOCK) {
                r = result;
                if (r == null) {
                    r = detect();
                    result = r;
                }
            }
        }
        return r;
    }

    /**
     * The line of JCuda's load error that names what is missing (such as {@code libcuda.so.1:
     * cannot open shared object file}) rather than its whole nested stack traces.
     */
    static String summary(Throwable e) {
        String message = String.valueOf(e.getMessage());
        for (String line : message.split("\\R")) {
            int at = line.indexOf("cannot open shared object file");
            if (at >= 0) {
                int start = line.lastIndexOf(": ", Math.max(0, at - 3));
                return (start >= 0 ? line.substring(start + 2) : line).strip();
            }
        }
        return message.lines().findFirst().orElse(message).strip();
    }

    private static Result detect() {
        try {
            JCudaDriver.setExceptionsEnabled(true);
            JCudaDriver.cuInit(0);
            int[] count = new int[1];
            JCudaDriver.cuDeviceGetCount(count);
            List<Device> devices = new ArrayList<>();
            for (int i = 0; i < count[0]; i++) {
                CUdevice device = new CUdevice();
                JCudaDriver.cuDeviceGet(device, i);
                byte[] name = new byte[256];
                JCudaDriver.cuDeviceGetName(name, name.length, device);
                long[] memory = new long[1];
                JCudaDriver.cuDeviceTotalMem(memory, device);
                devices.add(new Device(i, new String(name).trim().replace("\0", ""), memory[0]));
            }
            return new Result(List.copyOf(devices), devices.isEmpty() ? "the CUDA driver reports no devices" : null);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            return new Result(List.of(), "no CUDA driver on this machine (" + summary(e) + ")");
        } catch (RuntimeException e) {
            return new Result(List.of(), "CUDA failed to initialise: " + e.getMessage());
        }
    }
}
