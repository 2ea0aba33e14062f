package io.mobula.gpu;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

/**
 * Packs a launch's arguments into the {@code void**} that {@code cuLaunchKernel} takes, checking
 * each against the kernel's {@link Kernel.Param}s first: a wrong count, type or device fails here,
 * with the position, instead of on the device. Touches no CUDA state.
 */
final class KernelArguments {
    private KernelArguments() {
    }

    /**
     * @param deviceOrdinal the device of the launch: every {@link DeviceArray} must be there
     * @return one pointer per argument, to its value
     * @throws IllegalArgumentException naming the first argument that does not fit
     */
    static Pointer[] pack(Kernel kernel, int deviceOrdinal, Object... args) {
        if (args.length != kernel.arity()) {
            throw new IllegalArgumentException(kernel + " takes " + kernel.arity() + " arguments " + kernel.params()
                + ", got " + args.length);
        }
        Pointer[] params = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) {
            params[i] = parameter(kernel, deviceOrdinal, i, args[i]);
        }
        return params;
    }

    private static Pointer parameter(Kernel kernel, int deviceOrdinal, int index, Object arg) {
        Kernel.Param expected = kernel.params().get(index);
        Pointer pointer = switch (arg) {
            case null -> expected == Kernel.Param.POINTER ? Pointer.to(new CUdeviceptr()) : null;
            case DeviceArray array when expected == Kernel.Param.POINTER -> {
                if (array.deviceOrdinal() != deviceOrdinal) {
                    throw new IllegalArgumentException("argument " + index + " of " + kernel + " is on GPU "
                        + array.deviceOrdinal() + ", the launch on GPU " + deviceOrdinal + "; copy it with copyToDevice("
                        + deviceOrdinal + ")");
                }
                yield Pointer.to(array.pointer());
            }
            case CUdeviceptr device when expected == Kernel.Param.POINTER -> Pointer.to(device);
            case Integer value when expected == Kernel.Param.INT -> Pointer.to(new int[] {value});
            case Float value when expected == Kernel.Param.FLOAT -> Pointer.to(new float[] {value});
            default -> null;
        };
        if (pointer == null) {
            throw new IllegalArgumentException("argument " + index + " of " + kernel + " must be a " + expected + ", got "
                + (arg == null ? "null" : "a " + arg.getClass().getName()) + "; see Kernel.Param");
        }
        return pointer;
    }
}
