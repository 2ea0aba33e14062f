package io.mobula.gpu;

import java.util.List;

/**
 * The entry points of the packaged PTX (native/cuda/mobula_kernels.cu) with their parameter
 * types, so a launch with a wrong argument fails in Java with a message instead of reading
 * garbage on the device. A test checks these against the PTX itself.
 */
public enum Kernel {
    /** {@code (a, b, c, n)}: {@code c = a + b}. */
    VECTOR_ADD("mobula_vector_add_f32", Param.POINTER, Param.POINTER, Param.POINTER, Param.INT),
    /** {@code (alpha, x, y, out, n)}: {@code out = alpha * x + y}. */
    SAXPY("mobula_saxpy_f32", Param.FLOAT, Param.POINTER, Param.POINTER, Param.POINTER, Param.INT),
    /** {@code (A, B, C, M, N, K)}: {@code C[M x N] = A[M x K] B[K x N]}, row-major. */
    MATMUL("mobula_matmul_f32", Param.POINTER, Param.POINTER, Param.POINTER, Param.INT, Param.INT, Param.INT),
    /** {@code (A, B, C, M, N, K)}: {@code C[M x N] = A^T B} with A stored {@code [K x M]}. */
    MATMUL_TN("mobula_matmul_tn_f32", Param.POINTER, Param.POINTER, Param.POINTER, Param.INT, Param.INT, Param.INT),
    /** {@code (logits, labels, dlogits, loss, n, k, scale)}: softmax cross-entropy, one row per thread. */
    SOFTMAX_XENT_GRAD("mobula_softmax_xent_grad_f32", Param.POINTER, Param.POINTER, Param.POINTER, Param.POINTER,
        Param.INT, Param.INT, Param.FLOAT);

    /** A kernel parameter's type, and what a launch may pass for it. */
    public enum Param {
        /** A device pointer: a {@link DeviceArray}, a {@code CUdeviceptr}, or {@code null}. PTX {@code .u64}. */
        POINTER(".u64"),
        /** A 32-bit {@code int}: an {@link Integer}. PTX {@code .u32}. */
        INT(".u32"),
        /** A 32-bit {@code float}: a {@link Float}. PTX {@code .f32}. */
        FLOAT(".f32");

        private final String ptxType;

        Param(String ptxType) {
            this.ptxType = ptxType;
        }

        /** The type nvcc writes for it in a PTX {@code .param} line. */
        public String ptxType() {
            return ptxType;
        }
    }

    private final String symbol;
    private final List<Param> params;

    Kernel(String symbol, Param... params) {
        this.symbol = symbol;
        this.params = List.of(params);
    }

    /** The PTX entry name ({@code extern "C"}, so unmangled). */
    public String symbol() {
        return symbol;
    }

    /** The parameters, in order. */
    public List<Param> params() {
        return params;
    }

    /** How many parameters the entry takes. */
    public int arity() {
        return params.size();
    }
}
