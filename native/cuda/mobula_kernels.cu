// Mobula's CUDA kernels, compiled to PTX (native/cuda/CMakeLists.txt) and loaded by
// io.mobula.gpu.KernelModule with cuModuleLoadData. Every entry point is extern "C" so its PTX
// name is the name io.mobula.gpu.Kernel uses; every one checks its bounds, so any size works
// with any grid that covers it.
//
// Layouts: matrices are row-major float32; "n" counts elements. Each kernel has a CPU reference
// in io.mobula.gpu.CpuKernels that the GPU tests compare against.

#include <stdint.h>

// ---- element-wise ----

// c[i] = a[i] + b[i] for i < n. c may alias a or b.
extern "C" __global__ void mobula_vector_add_f32(const float* a, const float* b, float* c, int n) {
    for (int64_t i = (int64_t) blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (int64_t) blockDim.x * gridDim.x) {
        c[i] = a[i] + b[i];
    }
}

// out[i] = alpha * x[i] + y[i] for i < n. out may alias x or y.
extern "C" __global__ void mobula_saxpy_f32(float alpha, const float* x, const float* y, float* out, int n) {
    for (int64_t i = (int64_t) blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (int64_t) blockDim.x * gridDim.x) {
        out[i] = fmaf(alpha, x[i], y[i]);
    }
}

// ---- matrix multiply ----
//
// C[M x N] = op(A) * B[K x N], op(A) = A [M x K], or A^T with A stored [K x M] (TRANS_A).
//
// One block computes a BM x BN tile of C from BK-deep slices of A and B staged in shared memory.
// Its 16 x 16 threads each own TM x TN = 4 x 4 outputs, strided by 16 so that a warp reads the
// shared tiles without bank conflicts and writes C in 16-float runs:
//
//            BN = 64 columns of C                 thread (ty, tx) owns rows    ty + 16 i
//   +----+----+----+----+                                          columns tx + 16 j
//   |  . |  . |  . |  . |  <- rows ty, ty+16, ty+32, ty+48                   (i, j in 0..3)
//   +----+----+----+----+
//
// As holds the A slice transposed ([BK][BM], rows padded by one) so the inner loop reads both
// tiles along a row.
// Out-of-range elements load as zero and out-of-range outputs are not written: any M, N, K.
#define MM_BM 64
#define MM_BN 64
#define MM_BK 16
#define MM_THREADS_X 16
#define MM_THREADS_Y 16
#define MM_TM (MM_BM / MM_THREADS_Y)
#define MM_TN (MM_BN / MM_THREADS_X)

template <bool TRANS_A>
__device__ __forceinline__ void matmul_tile(const float* __restrict__ A, const float* __restrict__ B,
                                            float* __restrict__ C, int M, int N, int K) {
    __shared__ float As[MM_BK][MM_BM + 1]; // +1: the [M x K] loads store down a column; no bank conflicts
    __shared__ float Bs[MM_BK][MM_BN];

    const int tx = threadIdx.x;
    const int ty = threadIdx.y;
    const int tid = ty * MM_THREADS_X + tx;
    const int threads = MM_THREADS_X * MM_THREADS_Y;
    const int rowBase = blockIdx.y * MM_BM;
    const int colBase = blockIdx.x * MM_BN;

    float acc[MM_TM][MM_TN];
#pragma unroll
    for (int i = 0; i < MM_TM; i++) {
#pragma unroll
        for (int j = 0; j < MM_TN; j++) {
            acc[i][j] = 0.0f;
        }
    }

    for (int k0 = 0; k0 < K; k0 += MM_BK) {
#pragma unroll
        for (int l = tid; l < MM_BM * MM_BK; l += threads) {
            int r, kk;
            if (TRANS_A) {          // A is [K x M]: walk along M for coalesced reads
                r = l % MM_BM;
                kk = l / MM_BM;
            } else {                // A is [M x K]: walk along K
                r = l / MM_BK;
                kk = l % MM_BK;
            }
            const int row = rowBase + r;
            const int k = k0 + kk;
            float v = 0.0f;
            if (row < M && k < K) {
                v = TRANS_A ? A[(int64_t) k * M + row] : A[(int64_t) row * K + k];
            }
            As[kk][r] = v;
        }
#pragma unroll
        for (int l = tid; l < MM_BK * MM_BN; l += threads) {
            const int c = l % MM_BN;
            const int kk = l / MM_BN;
            const int col = colBase + c;
            const int k = k0 + kk;
            Bs[kk][c] = (col < N && k < K) ? B[(int64_t) k * N + col] : 0.0f;
        }
        __syncthreads();

#pragma unroll
        for (int kk = 0; kk < MM_BK; kk++) {
            float a[MM_TM];
            float b[MM_TN];
#pragma unroll
            for (int i = 0; i < MM_TM; i++) {
                a[i] = As[kk][ty + MM_THREADS_Y * i];
            }
#pragma unroll
            for (int j = 0; j < MM_TN; j++) {
                b[j] = Bs[kk][tx + MM_THREADS_X * j];
            }
#pragma unroll
            for (int i = 0; i < MM_TM; i++) {
#pragma unroll
                for (int j = 0; j < MM_TN; j++) {
                    acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
                }
            }
        }
        __syncthreads();
    }

#pragma unroll
    for (int i = 0; i < MM_TM; i++) {
        const int row = rowBase + ty + MM_THREADS_Y * i;
        if (row >= M) {
            continue;
        }
#pragma unroll
        for (int j = 0; j < MM_TN; j++) {
            const int col = colBase + tx + MM_THREADS_X * j;
            if (col < N) {
                C[(int64_t) row * N + col] = acc[i][j];
            }
        }
    }
}

// C = A * B. Launch with block (16, 16) and grid (ceil(N / 64), ceil(M / 64)).
extern "C" __global__ void __launch_bounds__(MM_THREADS_X * MM_THREADS_Y)
mobula_matmul_f32(const float* A, const float* B, float* C, int M, int N, int K) {
    matmul_tile<false>(A, B, C, M, N, K);
}

// C = A^T * B with A stored [K x M]. Same launch shape as mobula_matmul_f32.
extern "C" __global__ void __launch_bounds__(MM_THREADS_X * MM_THREADS_Y)
mobula_matmul_tn_f32(const float* A, const float* B, float* C, int M, int N, int K) {
    matmul_tile<true>(A, B, C, M, N, K);
}

// ---- multiclass logistic regression (softmax cross-entropy) ----
//
// With logits Z = X W ([n x k], from mobula_matmul_f32), one row per thread:
//   p = softmax(z_i),  dZ_i = (p - onehot(y_i)) * scale,  loss += -log p[y_i] * scale
// where scale = 1 / n gives the mean loss and the gradient of the mean; then
// grad W = X^T dZ (mobula_matmul_tn_f32) and W -= lr * grad W (mobula_saxpy_f32).
// dlogits may alias logits (each thread reads its row before writing it). A label outside
// [0, k) adds NaN to the loss, so a bad label shows instead of silently training on nothing.
// The loss is summed with atomicAdd: its last bits depend on the order of the rows.
extern "C" __global__ void mobula_softmax_xent_grad_f32(const float* logits, const int* labels, float* dlogits,
                                                        float* loss, int n, int k, float scale) {
    const int64_t i = (int64_t) blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) {
        return;
    }
    const float* z = logits + i * k;
    float* dz = dlogits + i * k;
    const int label = labels[i];

    float max = -INFINITY;
    for (int c = 0; c < k; c++) {
        max = fmaxf(max, z[c]);
    }
    float sum = 0.0f;
    for (int c = 0; c < k; c++) {
        sum += expf(z[c] - max);
    }
    const float logSum = logf(sum);
    const bool valid = label >= 0 && label < k;
    const float rowLoss = valid ? (logSum + max - z[label]) : NAN;
    for (int c = 0; c < k; c++) {
        const float p = expf(z[c] - max - logSum);
        dz[c] = (p - (c == label ? 1.0f : 0.0f)) * scale;
    }
    atomicAdd(loss, rowLoss * scale);
}
