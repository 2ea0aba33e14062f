package io.mobula;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mobula.spi.DeviceResident;

/** GPU scheduling and device-resident values on declared GPUs: no device is touched. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GpuAccountingTest {
    private Mobula mobula;
    static volatile CountDownLatch holding;
    static volatile CountDownLatch release;

    @BeforeEach
    void start() {
        mobula = Mobula.init(new NodeContext().cpus(4).gpus(2));
    }

    @AfterEach
    void stop() {
        mobula.close();
    }

    static List<Integer> myGpus() {
        return Mobula.current().gpuIds();
    }

    static List<Integer> holdGpus() throws InterruptedException {
        List<Integer> ids = Mobula.current().gpuIds();
        holding.countDown();
        release.await(10, TimeUnit.SECONDS);
        return ids;
    }

    @Test
    void tasksSeeTheDevicesTheyWereGiven() throws Exception {
        assertEquals(2.0, mobula.totalResources().get("GPU"));
        assertEquals(List.of(), mobula.task(GpuAccountingTest::myGpus).remote().get());
        assertEquals(List.of(0, 1), mobula.task(GpuAccountingTest::myGpus).resources("GPU", 2).remote().get());
        assertEquals(List.of(), mobula.gpuIds(), "the driver holds no GPU");

        holding = new CountDownLatch(2);
        release = new CountDownLatch(1);
        ObjectRef<List<Integer>> a = mobula.task(GpuAccountingTest::holdGpus).resources("GPU", 1).remote();
        ObjectRef<List<Integer>> b = mobula.task(GpuAccountingTest::holdGpus).resources("GPU", 1).remote();
        assertTrue(holding.await(10, TimeUnit.SECONDS), "two 1-GPU tasks run at once on 2 GPUs");
        release.countDown();
        assertEquals(1, a.get().size());
        assertNotEquals(a.get(), b.get(), "two whole-GPU tasks never share a device");
    }

    @Test
    void halfGpuTasksShareADevice() throws Exception {
        holding = new CountDownLatch(4);
        release = new CountDownLatch(1);
        List<ObjectRef<List<Integer>>> refs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            refs.add(mobula.task(GpuAccountingTest::holdGpus).resources("GPU", 0.5).remote());
        }
        assertTrue(holding.await(10, TimeUnit.SECONDS), "four half-GPU tasks run at once on 2 GPUs");
        release.countDown();
        int[] perDevice = new int[2];
        for (ObjectRef<List<Integer>> ref : refs) {
            perDevice[ref.get().get(0)]++;
        }
        assertEquals(2, perDevice[0]);
        assertEquals(2, perDevice[1]);
    }

    @Test
    void badGpuRequestsFailAtRemote() {
        assertThrows(InfeasibleResourcesException.class, () -> mobula.task(GpuAccountingTest::myGpus).resources("GPU", 3).remote());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> mobula.task(GpuAccountingTest::myGpus).resources("GPU", 1.5).remote());
        assertTrue(e.getMessage().contains("whole number"), e.getMessage());
        try (Mobula noGpu = Mobula.init(new NodeContext().cpus(1).gpus(0))) {
            InfeasibleResourcesException none = assertThrows(InfeasibleResourcesException.class,
                () -> noGpu.task(GpuAccountingTest::myGpus).resources("GPU", 1).remote());
            assertTrue(none.getMessage().contains("GPU: 1"), none.getMessage());
        }
    }

    @Test
    void actorsHoldTheirDevicesForLife() {
        ActorHandle<GpuActor> actor = mobula.actor(GpuActor::new).resources("GPU", 1).remote();
        List<Integer> ids = actor.task(GpuActor::gpus).remote().get();
        assertEquals(1, ids.size());
        assertEquals(1.0, mobula.availableResources().get("GPU"));
        List<Integer> other = mobula.task(GpuAccountingTest::myGpus).resources("GPU", 1).remote().get();
        assertNotEquals(ids, other);
    }

    static final class GpuActor {
        GpuActor() {
        }

        List<Integer> gpus() {
            return Mobula.current().gpuIds();
        }
    }

    /** A stand-in for a GPU array: counts its copies. */
    static final class FakeDeviceArray implements DeviceResident {
        static final AtomicInteger HOST_COPIES = new AtomicInteger();
        final int device;
        final float[] data;

        FakeDeviceArray(int device, float[] data) {
            this.device = device;
            this.data = data;
        }

        @Override
        public int deviceOrdinal() {
            return device;
        }

        @Override
        public Object toHost() {
            HOST_COPIES.incrementAndGet();
            return data.clone();
        }

        @Override
        public DeviceResident copyToDevice(int ordinal) {
            return new FakeDeviceArray(ordinal, data.clone());
        }
    }

    static FakeDeviceArray makeOnDevice(int n) {
        return new FakeDeviceArray(Mobula.current().gpuIds().get(0), new float[n]);
    }

    static FakeDeviceArray sameObject(FakeDeviceArray array) {
        return array;
    }

    static String where(FakeDeviceArray array) {
        return array.device + ":" + System.identityHashCode(array);
    }

    @Test
    void deviceResidentValuesStayOnTheirDevice() {
        ObjectRef<FakeDeviceArray> made = mobula.task(GpuAccountingTest::makeOnDevice, 8).resources("GPU", 2).remote();
        FakeDeviceArray.HOST_COPIES.set(0);
        // a task on the same devices receives the very same object
        ObjectRef<FakeDeviceArray> passed = mobula.task(GpuAccountingTest::sameObject, made).resources("GPU", 2).remote();
        String first = mobula.task(GpuAccountingTest::where, made).resources("GPU", 2).remote().get();
        String second = mobula.task(GpuAccountingTest::where, passed).resources("GPU", 2).remote().get();
        assertEquals(first, second);
        assertEquals(0, FakeDeviceArray.HOST_COPIES.get(), "no host copy between tasks on the device");
        // the host gets a host copy, made once
        Object host = mobula.get((ObjectRef<?>) made);
        assertTrue(host instanceof float[]);
        assertEquals(8, ((float[]) host).length);
        mobula.get((ObjectRef<?>) made);
        assertEquals(1, FakeDeviceArray.HOST_COPIES.get());
        assertSame(made.getClass(), passed.getClass());
    }
}
