package io.mobula.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.mobula.ObjectRef;

/** Device arrays through the runtime: kept on the device, the same object for the next GPU task, a host array for get. */
@Tag("gpu")
class DeviceResidentGpuTest extends GpuNodeTest {



    @Test
    void aChainStaysOnTheDeviceAndGetYieldsTheHostArray() {
        float[] data = CpuKernelsTest.random(1 << 20, 21);
        ObjectRef<DeviceArray> uploaded = mobula.task(GpuTasks::upload, data).resources("GPU", 1).remote();
        assertTrue(mobula.task(GpuTasks::isTheUploaded, uploaded).resources("GPU", 1).remote().get(),
            "a GPU task on the same device receives the very object the first task returned");

        ObjectRef<DeviceArray> doubled = mobula.task(GpuTasks::saxpyOnDevice, 1f, uploaded).resources("GPU", 1).remote();
        ObjectRef<DeviceArray> chained = mobula.task(GpuTasks::saxpyOnDevice, 0.5f, doubled).resources("GPU", 1).remote();

        float[] expected = CpuKernels.saxpy(0.5f, CpuKernels.saxpy(1f, data, data), CpuKernels.saxpy(1f, data, data));
        Object host = hostValue(chained);
        assertInstanceOf(float[].class, host, "get on the host receives a float[]");
        assertArrayEquals(expected, (float[]) host);
        assertArrayEquals(expected, (float[]) hostValue(chained), "a second get reads the same host copy");
        assertArrayEquals(data, (float[]) hostValue(uploaded), "the first array is unchanged");

        double sum = mobula.task(GpuTasks::sum, chained).remote().get();
        double expectedSum = 0;
        for (float v : expected) {
            expectedSum += v;
        }
        assertEquals(expectedSum, sum, 1e-6 * Math.abs(expectedSum) + 1e-3, "a CPU task receives the host array");
    }

    @Test
    void copiesBetweenDevices() {
        GpuAssumptions.assumeGpus(2);
        float[] data = CpuKernelsTest.random(1000, 22);
        DeviceArray onZero = DeviceArray.fromHost(GpuContext.forDevice(0), data);
        DeviceArray onOne = onZero.copyToDevice(1);
        assertNotSame(onZero, onOne);
        assertEquals(1, onOne.deviceOrdinal());
        assertArrayEquals(data, onOne.toFloatArray());
        assertTrue(onZero.copyToDevice(0) == onZero, "a copy to its own device is the array itself");
    }

    /** The runtime hands the host a float[] for an ObjectRef<DeviceArray>: read it untyped. */
    static Object hostValue(ObjectRef<?> ref) {
        return ref.get();
    }
}
