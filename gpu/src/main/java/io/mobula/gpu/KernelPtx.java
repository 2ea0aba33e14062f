package io.mobula.gpu;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * The kernels' PTX as packaged in the gpu jar. The native module's CMake build writes it (with
 * nvcc, its ISA version pinned and checked by ptxas) and this module's build copies it in; a build
 * without nvcc packages none, and {@link #load()} then says so.
 */
final class KernelPtx {
    /** The class-path resource the build writes (native/cuda/CMakeLists.txt). */
    static final String RESOURCE = "io/mobula/gpu/kernels/mobula_kernels.ptx";

    private KernelPtx() {
    }

    /** @return whether the PTX is on the class path. */
    static boolean packaged() {
        return KernelPtx.class.getClassLoader().getResource(RESOURCE) != null;
    }

    /**
     * @return the PTX text, NUL-terminated as {@code cuModuleLoadData} reads it.
     * @throws GpuUnavailableException if the jar was built without the kernels.
     */
    static byte[] load() {
        try (InputStream in = KernelPtx.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new GpuUnavailableException("the CUDA kernels are not packaged: " + RESOURCE + " is not on the class "
                    + "path, because the gpu jar was built where nvcc was not found. Rebuild it on a machine with the CUDA "
                    + "toolkit (mvn -pl gpu -am install; CMake looks for nvcc on the PATH, in CUDA_HOME and /usr/local/cuda)");
            }
            byte[] text = in.readAllBytes();
            return Arrays.copyOf(text, text.length + 1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
