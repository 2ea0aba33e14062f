package io.mobula.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.mobula.Mobula;
import io.mobula.NodeContext;

/** The context a GPU task gets, its caching, and the errors of wrong use. */
@Tag("gpu")
class GpuContextGpuTest {
    @Test
    void aNodeDetectsTheMachinesGpus() {
        GpuAssumptions.assumeGpu();
        int found = GpuProbe.probe().devices().size();
        assertEquals(found, new JCudaGpuDetector().detect().size());
        try (Mobula mobula = Mobula.init()) {
            assertEquals((double) found, mobula.totalResources().get("GPU"));
        }
    }

    @Test
    void aTaskGetsItsDevicesContextCachedPerThread() {
        GpuAssumptions.assumeGpu();
        try (Mobula mobula = Mobula.init(new NodeContext().cpus(2).gpus(1))) {
            int[] seen = mobula.task(GpuTasks::contextOfTask).resources("GPU", 1).remote().get();
            assertArrayEquals(new int[] {0, 1, 1}, seen, "device 0; same context and kernels when asked twice");
        }
        GpuContext main = GpuContext.forDevice(0);
        assertSame(main, GpuContext.forDevice(0), "one context per thread and device");
        AtomicReference<GpuContext> other = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().start(() -> other.set(GpuContext.forDevice(0)));
        try {
            thread.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertNotSame(main, other.get(), "another thread, another stream");
        assertNotSame(main.stream(), other.get().stream());
        assertSame(main.kernels(), other.get().kernels(), "the module is per device, loaded once");
    }

    @Test
    void wrongUseFailsWithAMessage() {
        GpuAssumptions.assumeGpu();
        GpuContext gpu = GpuContext.forDevice(0);
        DeviceArray floats = DeviceArray.fromHost(gpu, new float[] {1, 2, 3});
        DeviceArray ints = DeviceArray.fromHost(gpu, new int[] {1, 2, 3});
        assertThrows(IllegalArgumentException.class, () -> GpuKernels.vectorAdd(floats, ints));
        assertThrows(IllegalArgumentException.class,
            () -> GpuKernels.vectorAdd(floats, DeviceArray.fromHost(gpu, new float[4])));
        assertThrows(IllegalArgumentException.class, () -> GpuKernels.matmul(floats, floats, 2, 2, 2));
        IllegalArgumentException arity = assertThrows(IllegalArgumentException.class,
            () -> gpu.launch(Kernel.SAXPY, LaunchShape.linear(3), floats, floats));
        assertTrue(arity.getMessage().contains("5 arguments"), arity.getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> gpu.launch(Kernel.VECTOR_ADD, LaunchShape.linear(3), floats, floats, "c", 3));
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
            () -> gpu.launch(Kernel.SAXPY, LaunchShape.linear(3), 2.0, floats, floats, floats, 3));
        assertTrue(type.getMessage().contains("FLOAT"), type.getMessage());
        assertThrows(IllegalStateException.class, ints::toFloatArray);
        assertArrayEquals(new int[] {1, 2, 3}, (int[]) ints.toHost());

        int count = GpuProbe.probe().devices().size();
        GpuUnavailableException missing = assertThrows(GpuUnavailableException.class, () -> GpuContext.forDevice(count));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        try (Mobula mobula = Mobula.init(new NodeContext().cpus(1).gpus(1))) {
            List<Integer> none = mobula.task(GpuSchedulingTest::gpuIds).remote().get();
            assertEquals(List.of(), none);
        }
    }

    @Test
    void emptyArraysWork() {
        GpuAssumptions.assumeGpu();
        GpuContext gpu = GpuContext.forDevice(0);
        DeviceArray empty = DeviceArray.fromHost(gpu, new float[0]);
        assertArrayEquals(new float[0], GpuKernels.vectorAdd(empty, empty).toFloatArray());
    }
}
