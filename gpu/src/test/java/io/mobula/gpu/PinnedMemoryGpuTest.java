package io.mobula.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A registered (page-locked) segment to the device and back. */
@Tag("gpu")
class PinnedMemoryGpuTest {
    @Test
    void segmentToDeviceAndBack() {
        GpuAssumptions.assumeGpu();
        int n = 1 << 18;
        float[] data = CpuKernelsTest.random(n, 31);
        GpuContext gpu = GpuContext.forDevice(0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = arena.allocate(2L * n * Float.BYTES, 64); // store blocks are 64-byte aligned
            MemorySegment.copy(data, 0, segment, ValueLayout.JAVA_FLOAT, 0, n);
            PinnedMemory pinned = PinnedMemory.register(segment);
            DeviceArray x = pinned.toDevice(gpu, 0, n);
            assertArrayEquals(data, x.toFloatArray());
            DeviceArray doubled = GpuKernels.saxpy(1f, x, x);
            pinned.fromDevice(doubled, (long) n * Float.BYTES);
            float[] back = segment.asSlice((long) n * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
            assertArrayEquals(CpuKernels.saxpy(1f, data, data), back);

            assertThrows(IndexOutOfBoundsException.class, () -> pinned.fromDevice(doubled, (long) n * Float.BYTES + 4));
            pinned.close();
            pinned.close(); // idempotent
            assertThrows(IllegalStateException.class, () -> pinned.toDevice(gpu, 0, 1));
        }
    }

    @Test
    void onlyNativeMemoryCanBePinned() {
        GpuAssumptions.assumeGpu();
        assertThrows(IllegalArgumentException.class, () -> PinnedMemory.register(MemorySegment.ofArray(new float[16])));
    }
}
