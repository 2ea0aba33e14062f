package io.mobula.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.mobula.ObjectRef;

/**
 * Copies between devices and the object store go by DMA from page-locked store memory: a get of a
 * device array on the host lands straight in the store, and a GPU task reads a store segment
 * straight onto its device.
 */
@Tag("gpu")
class StoreDeviceCopyGpuTest extends GpuNodeTest {
    private static final int FLOATS = 40 << 20; // 160 MiB: a store object spanning several 64 MiB pinned chunks



    static DeviceArray ramp(int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = i % 1000;
        }
        return DeviceArray.fromHost(GpuContext.current(), values);
    }

    /** Reads a store segment onto the device, then returns its first and last elements and its length. */
    static float[] readOnDevice(MemorySegment floats) {
        DeviceArray onDevice = DeviceArray.fromSegment(GpuContext.current(), floats, DeviceArray.ElementType.FLOAT32);
        float[] back = onDevice.toFloatArray();
        return new float[] {back[0], back[back.length - 1], back.length};
    }

    @Test
    void aGetOfADeviceArrayLandsInThePinnedStore() {
        long before = StoreMemoryPinner.pinnedBytes();
        ObjectRef<?> ref = mobula.task(StoreDeviceCopyGpuTest::ramp, FLOATS).resources("GPU", 1).remote();
        Object host = mobula.get(ref);
        assertInstanceOf(float[].class, host);
        float[] values = (float[]) host;
        assertEquals(FLOATS, values.length);
        assertEquals(999f, values[999]);
        assertEquals((FLOATS - 1) % 1000, values[FLOATS - 1]);
        assertTrue(StoreMemoryPinner.pinnedBytes() > before, "the store chunk under the copy was page-locked");
    }

    @Test
    void aGpuTaskReadsAStoreSegmentStraightOntoItsDevice() {
        MemorySegment source = Arena.ofAuto().allocate((long) FLOATS * Float.BYTES, 64);
        for (int i = 0; i < FLOATS; i++) {
            source.setAtIndex(ValueLayout.JAVA_FLOAT, i, i % 777);
        }
        ObjectRef<MemorySegment> stored = mobula.put(source);
        float[] seen = mobula.task(StoreDeviceCopyGpuTest::readOnDevice, stored).resources("GPU", 1).remote().get();
        assertArrayEquals(new float[] {0f, (FLOATS - 1) % 777, FLOATS}, seen);
        assertTrue(StoreMemoryPinner.pinnedBytes() > 0);
    }
}
