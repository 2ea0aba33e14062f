package io.mobula.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GpuProbeTest {
    @Test
    void probeAnswersOnceAndNeverThrows() {
        GpuProbe.Result first = GpuProbe.probe();
        assertSame(first, GpuProbe.probe(), "the answer is latched");
        if (first.available()) {
            assertTrue(first.devices().get(0).memoryBytes() > 0);
            assertEquals(0, first.devices().get(0).ordinal());
        } else {
            assertNotNull(first.unavailableReason(), "no GPU: the reason is given");
        }
    }
}
