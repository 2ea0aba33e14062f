package io.mobula.gpu.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;

import io.mobula.Mobula;
import io.mobula.ObjectRef;
import io.mobula.gpu.DeviceArray;
import io.mobula.gpu.GpuContext;
import io.mobula.gpu.GpuProbe;
import io.mobula.gpu.Kernel;
import io.mobula.gpu.LaunchShape;
import io.mobula.gpu.PinnedMemory;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * The GPU path's costs, each against its baseline, in a few seconds each (run by
 * gpu/device-check.sh on a GPU machine):
 * <pre>
 *   launch     a GPU task's round trip (submit, lease, launch an empty kernel, sync, get)
 *              vs the same launch + sync through bare JCuda on the caller's thread
 *   transfer   H2D / D2H of 256 MiB from a page-aligned native segment registered with
 *              cuMemHostRegister (a store block) vs cuMemAllocHost memory (target >= 90%)
 *   matmul     the tiled kernel on 4096 x 4096 x 4096 floats, GFLOP/s
 *   chain      100 GPU tasks, each saxpy on the previous result: device-resident refs
 *              vs the same chain through the host (each task uploads and downloads 16 MiB)
 * </pre>
 * Prints an aligned table and one {@code GPU_BENCH_JSON {...}} line. Without a GPU it says so and
 * exits 0, or 2 with {@code --require-gpu}. Exits 1 if a benchmark failed.
 */
public final class GpuBenchmarks {
    private static final long TRANSFER_BYTES = 256L << 20;
    private static final int MATMUL_SIZE = 4096;
    private static final int CHAIN_LENGTH = 100;
    private static final int CHAIN_FLOATS = 4 << 20;

    private GpuBenchmarks() {
    }

    /** @param args {@code --require-gpu}: exit with status 2 when there is no GPU (else 0, after saying so) */
    public static void main(String[] args) {
        GpuProbe.Result probe = GpuProbe.probe();
        if (!probe.available()) {
            System.out.println("no GPU: " + probe.unavailableReason() + "; the GPU benchmarks are skipped");
            System.out.println("GPU_BENCH_JSON {\"skipped\":true}");
            if (Arrays.asList(args).contains("--require-gpu")) {
                System.exit(2);
            }
            return;
        }
        BenchReport report = new BenchReport();
        GpuProbe.Device device = probe.devices().get(0);
        report.fact("device", device.name());
        report.fact("devices", probe.devices().size());
        System.out.println("GPU benchmarks on " + device.name() + " (" + (device.memoryBytes() >> 30) + " GiB)");
        long start = System.nanoTime();
        try (Mobula mobula = Mobula.init()) {
            section(report, "launch", "launch overhead", () -> launch(mobula, report));
            section(report, "transfer", "transfers", () -> transfers(report));
            section(report, "matmul", "matmul", () -> matmul(report));
            section(report, "chain", "task chain", () -> chain(mobula, report));
            section(report, "store", "store <-> device", () -> storeCopies(mobula, report));
        }
        report.fact("total_s", Math.round((System.nanoTime() - start) / 1e7) / 100.0);
        System.out.println();
        report.print(System.out);
        if (report.hasFailures()) {
            System.exit(1);
        }
    }

    private static void section(BenchReport report, String key, String name, Runnable benchmark) {
        long start = System.nanoTime();
        System.out.print(name + " ... ");
        System.out.flush();
        try {
            benchmark.run();
            System.out.printf("%.1f s%n", (System.nanoTime() - start) / 1e9);
        } catch (RuntimeException | Error e) {
            System.out.println("FAILED");
            e.printStackTrace(System.out);
            report.failed(key, name, e);
        }
    }

    // ---- launch overhead ----

    private static void launch(Mobula mobula, BenchReport report) {
        GpuContext gpu = GpuContext.forDevice(0);
        CUfunction function = gpu.kernels().function(Kernel.VECTOR_ADD);
        CUdeviceptr none = new CUdeviceptr();
        Pointer params = Pointer.to(Pointer.to(none), Pointer.to(none), Pointer.to(none), Pointer.to(new int[] {0}));
        CUstream stream = gpu.stream();
        double bare = medianMicros(20_000, () -> {
            JCudaDriver.cuLaunchKernel(function, 1, 1, 1, LaunchShape.LINEAR_BLOCK, 1, 1, 0, stream, params, null);
            JCudaDriver.cuStreamSynchronize(stream);
        });
        double wrapped = medianMicros(20_000, () -> {
            gpu.launch(Kernel.VECTOR_ADD, LaunchShape.linear(0), null, null, null, 0);
            gpu.synchronize();
        });
        double cpuTask = medianMicros(5_000, () -> mobula.task(BenchTasks::nothing).remote().get());
        double gpuTask = medianMicros(5_000, () -> mobula.task(BenchTasks::emptyKernel).resources("GPU", 1).remote().get());
        report.add("launch_bare_us", "launch+sync, bare JCuda (median)", bare, "us", "cuLaunchKernel + cuStreamSynchronize");
        report.add("launch_context_us", "launch+sync, GpuContext.launch", wrapped, "us", "argument packing, event waits");
        report.add("task_cpu_roundtrip_us", "CPU task round trip (no kernel)", cpuTask, "us", "task(...).remote().get()");
        report.add("task_gpu_roundtrip_us", "GPU task round trip (same launch)", gpuTask, "us", "resources(\"GPU\", 1)");
        report.add("launch_overhead_us", "runtime overhead on a launch", gpuTask - bare, "us", "GPU task - bare launch");
    }

    private static double medianMicros(int iterations, Runnable operation) {
        for (int i = 0; i < iterations / 5; i++) {
            operation.run();
        }
        long[] nanos = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            operation.run();
            nanos[i] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);
        return nanos[iterations / 2] / 1e3;
    }

    // ---- transfers ----

    private static void transfers(BenchReport report) {
        GpuContext gpu = GpuContext.forDevice(0);
        CUstream stream = gpu.stream();
        CUdeviceptr device = new CUdeviceptr();
        JCudaDriver.cuMemAlloc(device, TRANSFER_BYTES);
        Pointer allocHost = new Pointer();
        JCudaDriver.cuMemAllocHost(allocHost, TRANSFER_BYTES);
        try (Arena arena = Arena.ofShared()) {
            // A store arena is mmap'd, so its blocks lie in page-aligned memory: allocate the same way.
            MemorySegment store = arena.allocate(TRANSFER_BYTES, 4096);
            store.fill((byte) 1);
            MemorySegment pageable = arena.allocate(TRANSFER_BYTES, 4096);
            pageable.fill((byte) 1);
            long t0 = System.nanoTime();
            try (PinnedMemory pinned = PinnedMemory.register(gpu, store)) {
                double registerMs = (System.nanoTime() - t0) / 1e6;
                Pointer storePointer = pinned.hostPointer();
                double h2dStore = 0;
                double h2dHost = 0;
                double d2hStore = 0;
                double d2hHost = 0;
                for (int round = 0; round < 3; round++) { // interleaved, so drift hits both alike; best of three
                    h2dStore = Math.max(h2dStore, gbPerSecond(stream, () ->
                        JCudaDriver.cuMemcpyHtoDAsync(device, storePointer, TRANSFER_BYTES, stream)));
                    h2dHost = Math.max(h2dHost, gbPerSecond(stream, () ->
                        JCudaDriver.cuMemcpyHtoDAsync(device, allocHost, TRANSFER_BYTES, stream)));
                    d2hStore = Math.max(d2hStore, gbPerSecond(stream, () ->
                        JCudaDriver.cuMemcpyDtoHAsync(storePointer, device, TRANSFER_BYTES, stream)));
                    d2hHost = Math.max(d2hHost, gbPerSecond(stream, () ->
                        JCudaDriver.cuMemcpyDtoHAsync(allocHost, device, TRANSFER_BYTES, stream)));
                }
                Pointer pageablePointer = Pointer.to(pageable.asByteBuffer());
                long p0 = System.nanoTime();
                JCudaDriver.cuMemcpyHtoD(device, pageablePointer, TRANSFER_BYTES);
                double h2dPageable = TRANSFER_BYTES / ((System.nanoTime() - p0) / 1e9) / 1e9;

                report.fact("transfer_bytes", TRANSFER_BYTES);
                report.add("h2d_store_gbps", "H2D from registered segment", h2dStore, "GB/s", "cuMemHostRegister'd, 256 MiB");
                report.add("h2d_allochost_gbps", "H2D from cuMemAllocHost", h2dHost, "GB/s", "baseline");
                report.add("h2d_ratio_pct", "H2D segment / cuMemAllocHost", 100 * h2dStore / h2dHost, "%", "target >= 90");
                report.add("d2h_store_gbps", "D2H into registered segment", d2hStore, "GB/s", "");
                report.add("d2h_allochost_gbps", "D2H into cuMemAllocHost", d2hHost, "GB/s", "baseline");
                report.add("d2h_ratio_pct", "D2H segment / cuMemAllocHost", 100 * d2hStore / d2hHost, "%", "target >= 90");
                report.add("h2d_pageable_gbps", "H2D from an unregistered segment", h2dPageable, "GB/s", "for contrast");
                report.add("register_ms", "cuMemHostRegister of 256 MiB", registerMs, "ms", "once per block");
            }
        } finally {
            JCudaDriver.cuMemFreeHost(allocHost);
            JCudaDriver.cuMemFree(device);
        }
    }

    private static double gbPerSecond(CUstream stream, Runnable copy) {
        float millis = timeOnStream(stream, copy);
        return TRANSFER_BYTES / (millis / 1e3) / 1e9;
    }

    /** Milliseconds between events recorded around {@code work} on {@code stream}. */
    private static float timeOnStream(CUstream stream, Runnable work) {
        CUevent begin = new CUevent();
        CUevent end = new CUevent();
        JCudaDriver.cuEventCreate(begin, CUevent_flags.CU_EVENT_DEFAULT);
        JCudaDriver.cuEventCreate(end, CUevent_flags.CU_EVENT_DEFAULT);
        try {
            JCudaDriver.cuEventRecord(begin, stream);
            work.run();
            JCudaDriver.cuEventRecord(end, stream);
            JCudaDriver.cuEventSynchronize(end);
            float[] millis = new float[1];
            JCudaDriver.cuEventElapsedTime(millis, begin, end);
            return millis[0];
        } finally {
            JCudaDriver.cuEventDestroy(begin);
            JCudaDriver.cuEventDestroy(end);
        }
    }

    // ---- matmul ----

    private static void matmul(BenchReport report) {
        int n = MATMUL_SIZE;
        GpuContext gpu = GpuContext.forDevice(0);
        float[] a = random(n * n, 1);
        float[] b = random(n * n, 2);
        DeviceArray da = DeviceArray.fromHost(gpu, a);
        DeviceArray db = DeviceArray.fromHost(gpu, b);
        DeviceArray dc = gpu.allocateFloats(n * n);
        Runnable launch = () -> gpu.launch(Kernel.MATMUL, LaunchShape.matmul(n, n), da, db, dc, n, n, n);
        timeOnStream(gpu.stream(), launch); // JIT, caches
        float best = Float.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            best = Math.min(best, timeOnStream(gpu.stream(), launch));
        }
        dc.markWritten(gpu);
        float[] c = dc.toFloatArray();
        double worst = 0;
        SplittableRandom pick = new SplittableRandom(3);
        for (int s = 0; s < 32; s++) {
            int i = pick.nextInt(n);
            int j = pick.nextInt(n);
            double expected = 0;
            for (int p = 0; p < n; p++) {
                expected += (double) a[i * n + p] * b[p * n + j];
            }
            worst = Math.max(worst, Math.abs(expected - c[i * n + j]));
        }
        if (worst > 1e-2) {
            throw new AssertionError("matmul is wrong: an entry is off by " + worst);
        }
        double gflops = 2.0 * n * n * n / (best / 1e3) / 1e9;
        report.add("matmul_gflops", "matmul 4096^3 float, tiled kernel", gflops, "GFLOP/s",
            String.format(java.util.Locale.ROOT, "best of 5: %.2f ms; 32 entries checked (max error %.1e)", best, worst));
    }

    // ---- device-resident chain vs host chain ----

    /** A device array's host get (D2H straight into the pinned store) and a store segment onto a device. */
    private static void storeCopies(Mobula mobula, BenchReport report) {
        int floats = 64 << 20; // 256 MiB
        io.mobula.ObjectRef<?> onDevice = mobula.task(BenchTasks::filled, floats).resources("GPU", 1).remote();
        mobula.get(mobula.task(BenchTasks::touch, onDevice).resources("GPU", 1).remote()); // made and settled
        long start = System.nanoTime();
        Object host = mobula.get(onDevice);
        double getSeconds = (System.nanoTime() - start) / 1e9;
        long bytes = (long) floats * Float.BYTES;
        java.lang.foreign.MemorySegment segment = java.lang.foreign.Arena.ofAuto().allocate(bytes, 64);
        io.mobula.ObjectRef<java.lang.foreign.MemorySegment> stored = mobula.put(segment);
        mobula.task(BenchTasks::uploadSegment, stored).resources("GPU", 1).remote().get(); // pins the chunks once
        double uploadSeconds = mobula.task(BenchTasks::uploadSegment, stored).resources("GPU", 1).remote().get();
        report.add("get_device_array_gbps", "host get of a device array", bytes / 1e9 / getSeconds, "GB/s",
            "D2H into the pinned store + decode to float[] (" + ((float[]) host).length / (1 << 20) + " Mi floats)");
        report.add("store_to_device_gbps", "store segment onto a device", bytes / 1e9 / uploadSeconds, "GB/s",
            "DeviceArray.fromSegment, chunks pinned");
        // The store's own copy: an existing device array refilled from a store object (chunks pinned,
        // copy split at their edges), against cuMemAllocHost measured above in the same run.
        double storeH2d = mobula.task(BenchTasks::storeToDevice, stored).resources("GPU", 1).remote().get();
        report.add("store_h2d_gbps", "H2D from a store object", storeH2d, "GB/s", "DeviceArray.copyFrom, median of 5");
        report.add("store_pinned_mib", "store memory page-locked", StoreMemoryPinnerAccess.pinnedMiB(), "MiB", "64 MiB chunks, on first use");
    }

    private static void chain(Mobula mobula, BenchReport report) {
        float[] data = random(CHAIN_FLOATS, 4);
        runDeviceChain(mobula, data, 5); // warm both paths: JIT, leases, allocations
        runHostChain(mobula, data, 5);
        System.gc();
        long t0 = System.nanoTime();
        float[] onDevice = runDeviceChain(mobula, data, CHAIN_LENGTH);
        double deviceMs = (System.nanoTime() - t0) / 1e6;
        System.gc();
        long t1 = System.nanoTime();
        float[] throughHost = runHostChain(mobula, data, CHAIN_LENGTH);
        double hostMs = (System.nanoTime() - t1) / 1e6;
        if (!Arrays.equals(onDevice, throughHost)) {
            throw new AssertionError("the two chains disagree");
        }
        report.fact("chain_tasks", CHAIN_LENGTH);
        report.fact("chain_floats", CHAIN_FLOATS);
        report.add("chain_device_ms", "100-task chain, device-resident", deviceMs, "ms",
            "16 MiB saxpy per task, refs stay on GPU");
        report.add("chain_host_ms", "100-task chain, through the host", hostMs, "ms", "each task uploads + downloads");
        report.add("chain_speedup", "host chain / device chain", hostMs / deviceMs, "x", "results bit-equal");
        report.add("chain_device_task_us", "per task, device-resident", deviceMs * 1e3 / CHAIN_LENGTH, "us", "");
    }

    private static float[] runDeviceChain(Mobula mobula, float[] data, int length) {
        ObjectRef<?> ref = mobula.task(BenchTasks::upload, data).resources("GPU", 1).remote();
        for (int i = 0; i < length; i++) {
            ref = mobula.task(BenchTasks::stepOnDevice, ref).resources("GPU", 1).remote();
        }
        return (float[]) ref.get(); // the runtime copies the last array to the host once
    }

    private static float[] runHostChain(Mobula mobula, float[] data, int length) {
        ObjectRef<float[]> ref = mobula.put(data);
        for (int i = 0; i < length; i++) {
            ref = mobula.task(BenchTasks::stepThroughHost, ref).resources("GPU", 1).remote();
        }
        return ref.get();
    }

    private static float[] random(int length, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return values;
    }
}
