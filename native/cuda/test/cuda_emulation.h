// Runs CUDA kernels on the CPU, for a check of their indexing and bounds where there is no GPU.
// Each block runs on its own turn; its threads are real threads meeting at a barrier for
// __syncthreads(), so shared-memory tiling runs as written. Blocks run one after another, so a
// kernel's __shared__ arrays (function-local statics here) are never shared by two blocks at once.
// Not a CUDA implementation: only what mobula_kernels.cu uses.
#pragma once

#include <atomic>
#include <barrier>
#include <cmath>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

struct dim3 {
    unsigned x = 1, y = 1, z = 1;
};

inline thread_local dim3 threadIdx;
inline thread_local dim3 blockIdx;
inline dim3 blockDim;
inline dim3 gridDim;
inline std::barrier<>* emulationBarrier = nullptr;

#define __global__
#define __device__
#define __forceinline__ inline
#define __restrict__
#define __shared__ static
#define __launch_bounds__(...)

inline void __syncthreads() {
    emulationBarrier->arrive_and_wait();
}

inline float atomicAdd(float* address, float value) {
    return std::atomic_ref<float>(*address).fetch_add(value);
}

// Runs kernel<<<grid, block>>>(args...).
template <typename... Params, typename... Args>
void emulateLaunch(void (*kernel)(Params...), dim3 grid, dim3 block, Args... args) {
    gridDim = grid;
    blockDim = block;
    const unsigned threads = block.x * block.y;
    for (unsigned by = 0; by < grid.y; by++) {
        for (unsigned bx = 0; bx < grid.x; bx++) {
            std::barrier<> barrier(threads);
            emulationBarrier = &barrier;
            std::vector<std::thread> team;
            for (unsigned ty = 0; ty < block.y; ty++) {
                for (unsigned tx = 0; tx < block.x; tx++) {
                    team.emplace_back([=] {
                        blockIdx = dim3{bx, by, 0};
                        threadIdx = dim3{tx, ty, 0};
                        kernel(args...);
                    });
                }
            }
            for (std::thread& t : team) {
                t.join();
            }
        }
    }
}
