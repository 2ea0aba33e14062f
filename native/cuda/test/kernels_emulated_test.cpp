// The kernels of mobula_kernels.cu run on the CPU (cuda_emulation.h) against plain loops: checks
// tiling, indexing and bounds for shapes that are not multiples of the tiles. The GPU tests
// (gpu module, tag "gpu") check the same kernels on a device against the Java references.
#include "cuda_emulation.h"

#include "../mobula_kernels.cu"

#include <cstdio>
#include <random>

static int failures = 0;

static void expect(bool ok, const char* what, double got, double want) {
    if (!ok) {
        std::printf("FAIL %s: got %.9g, want %.9g\n", what, got, want);
        failures++;
    }
}

static std::vector<float> randoms(size_t n, unsigned seed) {
    std::mt19937 random(seed);
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    std::vector<float> v(n);
    for (float& x : v) {
        x = uniform(random);
    }
    return v;
}

static dim3 linear(int n) {
    return dim3{(unsigned) std::max(1, (n + 255) / 256), 1, 1};
}

static void elementwise(int n) {
    std::vector<float> a = randoms(n, 1), b = randoms(n, 2), c(n, 0.0f), d(n, 0.0f);
    emulateLaunch(mobula_vector_add_f32, linear(n), dim3{256, 1, 1}, a.data(), b.data(), c.data(), n);
    emulateLaunch(mobula_saxpy_f32, linear(n), dim3{256, 1, 1}, 0.5f, a.data(), b.data(), d.data(), n);
    for (int i = 0; i < n; i++) {
        expect(c[i] == a[i] + b[i], "vector add", c[i], a[i] + b[i]);
        expect(d[i] == std::fma(0.5f, a[i], b[i]), "saxpy", d[i], std::fma(0.5f, a[i], b[i]));
    }
}

static void matmul(int m, int n, int k, bool transposedA) {
    std::vector<float> a = randoms((size_t) m * k, 3), b = randoms((size_t) k * n, 4);
    std::vector<float> c((size_t) m * n + 1, 12345.0f); // one more: a write past the end shows
    std::vector<float> stored = a;                       // [m x k], or its transpose [k x m]
    if (transposedA) {
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                stored[(size_t) p * m + i] = a[(size_t) i * k + p];
            }
        }
    }
    dim3 grid{(unsigned) (n + 63) / 64, (unsigned) (m + 63) / 64, 1};
    emulateLaunch(transposedA ? mobula_matmul_tn_f32 : mobula_matmul_f32, grid, dim3{16, 16, 1},
                  (const float*) stored.data(), (const float*) b.data(), c.data(), m, n, k);
    for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
            double want = 0;
            for (int p = 0; p < k; p++) {
                want += (double) a[(size_t) i * k + p] * b[(size_t) p * n + j];
            }
            float got = c[(size_t) i * n + j];
            expect(std::fabs(got - want) <= 1e-5 * k, transposedA ? "matmul A^T B" : "matmul A B", got, want);
        }
    }
    expect(c[(size_t) m * n] == 12345.0f, "matmul writes nothing past C", c[(size_t) m * n], 12345.0);
}

static void softmaxCrossEntropy(int n, int k) {
    std::vector<float> logits = randoms((size_t) n * k, 5);
    std::vector<int> labels(n);
    for (int i = 0; i < n; i++) {
        labels[i] = (i * 7) % k;
    }
    std::vector<float> d = logits; // in place, as GpuKernels runs it
    float loss = 0.0f;
    emulateLaunch(mobula_softmax_xent_grad_f32, linear(n), dim3{256, 1, 1}, (const float*) d.data(),
                  (const int*) labels.data(), d.data(), &loss, n, k, 1.0f / n);
    double wantLoss = 0;
    for (int i = 0; i < n; i++) {
        double max = -INFINITY, sum = 0;
        for (int c = 0; c < k; c++) {
            max = std::max(max, (double) logits[(size_t) i * k + c]);
        }
        for (int c = 0; c < k; c++) {
            sum += std::exp(logits[(size_t) i * k + c] - max);
        }
        wantLoss += (std::log(sum) + max - logits[(size_t) i * k + labels[i]]) / n;
        for (int c = 0; c < k; c++) {
            double p = std::exp(logits[(size_t) i * k + c] - max) / sum;
            double want = (p - (c == labels[i] ? 1 : 0)) / n;
            expect(std::fabs(d[(size_t) i * k + c] - want) <= 1e-6, "softmax gradient", d[(size_t) i * k + c], want);
        }
    }
    expect(std::fabs(loss - wantLoss) <= 1e-4 * wantLoss, "mean loss", loss, wantLoss);

    int bad = k;
    float badLoss = 0.0f;
    std::vector<float> one(k, 0.0f);
    emulateLaunch(mobula_softmax_xent_grad_f32, linear(1), dim3{256, 1, 1}, (const float*) one.data(),
                  (const int*) &bad, one.data(), &badLoss, 1, k, 1.0f);
    expect(std::isnan(badLoss), "a label outside [0, k) makes the loss NaN", badLoss, NAN);
}

int main() {
    for (int n : {0, 1, 255, 256, 257, 1000}) {
        elementwise(n);
    }
    const int shapes[][3] = {{1, 1, 1}, {67, 45, 93}, {64, 64, 16}, {65, 130, 17}, {5, 70, 3}};
    for (const auto& s : shapes) {
        matmul(s[0], s[1], s[2], false);
        matmul(s[0], s[1], s[2], true);
    }
    softmaxCrossEntropy(300, 10);
    softmaxCrossEntropy(7, 2);
    if (failures > 0) {
        std::printf("%d checks failed\n", failures);
        return 1;
    }
    std::printf("all kernel checks passed (CPU emulation)\n");
    return 0;
}
