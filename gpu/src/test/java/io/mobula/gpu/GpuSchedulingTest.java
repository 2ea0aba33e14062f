package io.mobula.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mobula.Mobula;
import io.mobula.NodeContext;
import io.mobula.ObjectRef;

/**
 * GPU accounting as GPU tasks see it, on a node that declares its GPUs: no device is touched, so
 * this runs anywhere. The tasks hold their devices together (a latch) to show what runs at once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GpuSchedulingTest {
    static volatile CountDownLatch holding;
    static volatile CountDownLatch release;

    static List<Integer> gpuIds() {
        return Mobula.current().gpuIds();
    }

    static List<Integer> holdGpus() throws InterruptedException {
        List<Integer> ids = Mobula.current().gpuIds();
        holding.countDown();
        release.await(20, TimeUnit.SECONDS);
        return ids;
    }

    @Test
    void oneGpuTasksGetOneDeviceEachAndTwoGpuTasksGetBoth() throws Exception {
        try (Mobula mobula = Mobula.init(new NodeContext().cpus(4).gpus(2))) {
            List<Integer> one = mobula.task(GpuSchedulingTest::gpuIds).resources("GPU", 1).remote().get();
            assertEquals(1, one.size());
            assertTrue(one.get(0) == 0 || one.get(0) == 1, one.toString());
            assertEquals(List.of(0, 1), mobula.task(GpuSchedulingTest::gpuIds).resources("GPU", 2).remote().get());
            assertEquals(List.of(), mobula.task(GpuSchedulingTest::gpuIds).remote().get(), "a CPU task holds no GPU");

            holding = new CountDownLatch(2);
            release = new CountDownLatch(1);
            ObjectRef<List<Integer>> a = mobula.task(GpuSchedulingTest::holdGpus).resources("GPU", 1).remote();
            ObjectRef<List<Integer>> b = mobula.task(GpuSchedulingTest::holdGpus).resources("GPU", 1).remote();
            assertTrue(holding.await(20, TimeUnit.SECONDS), "two 1-GPU tasks run at once on a 2-GPU node");
            release.countDown();
            assertNotEquals(a.get(), b.get(), "concurrent 1-GPU tasks never share a device");
        }
    }

    @Test
    void fractionalTasksShareOneDevice() throws Exception {
        try (Mobula mobula = Mobula.init(new NodeContext().cpus(4).gpus(1))) {
            holding = new CountDownLatch(2);
            release = new CountDownLatch(1);
            ObjectRef<List<Integer>> a = mobula.task(GpuSchedulingTest::holdGpus).resources("GPU", 0.5).remote();
            ObjectRef<List<Integer>> b = mobula.task(GpuSchedulingTest::holdGpus).resources("GPU", 0.5).remote();
            assertTrue(holding.await(20, TimeUnit.SECONDS), "two half-GPU tasks run at once on one GPU");
            release.countDown();
            assertEquals(List.of(0), a.get());
            assertEquals(List.of(0), b.get());
        }
    }
}
