package io.mobula.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.mobula.InfeasibleResourcesException;
import io.mobula.Mobula;
import io.mobula.NodeContext;
import io.mobula.TaskException;
import io.mobula.spi.GpuDetector;

/**
 * A node on a machine without a GPU, with this module (and so its detector) on the class path: it
 * advertises no GPU, a GPU task fails at submission, and GPU code in a task without a GPU fails
 * with the fix in its message.
 */
class NoGpuNodeTest {
    static String contextOutsideGpu() {
        return GpuContext.current().toString();
    }

    @Test
    void theDetectorIsRegisteredAndNeverThrows() {
        List<GpuDetector> detectors = ServiceLoader.load(GpuDetector.class).stream().map(ServiceLoader.Provider::get).toList();
        assertTrue(detectors.stream().anyMatch(JCudaGpuDetector.class::isInstance), "registered in META-INF/services");
        assertEquals(GpuProbe.probe().devices().size(), new JCudaGpuDetector().detect().size());
    }

    @Test
    void aDefaultNodeWithoutGpuAdvertisesNoneAndRejectsGpuTasks() {
        GpuProbe.Result probe = GpuProbe.probe();
        Assumptions.assumeFalse(probe.available(), "this machine has a GPU");
        try (Mobula mobula = Mobula.init()) {
            assertEquals(0.0, mobula.totalResources().get("GPU"), "detected: " + probe.unavailableReason());
            InfeasibleResourcesException e = assertThrows(InfeasibleResourcesException.class,
                () -> mobula.task(NoGpuNodeTest::contextOutsideGpu).resources("GPU", 1).remote());
            assertTrue(e.getMessage().contains("GPU"), e.getMessage());
        }
    }

    @Test
    void gpuContextNeedsATaskThatHoldsAGpu() {
        IllegalStateException outside = assertThrows(IllegalStateException.class, GpuContext::current);
        assertTrue(outside.getMessage().contains("resources(\"GPU\", 1)"), outside.getMessage());
        try (Mobula mobula = Mobula.init(new NodeContext().cpus(1).gpus(0))) {
            TaskException e = assertThrows(TaskException.class,
                () -> mobula.task(NoGpuNodeTest::contextOutsideGpu).remote().get());
            assertEquals(IllegalStateException.class.getName(), e.remoteClassName());
            assertTrue(e.remoteMessage().contains("holds no GPU") && e.remoteMessage().contains("resources(\"GPU\", 1)"),
                e.remoteMessage());
        }
    }

    @Test
    void withoutADriverGpuWorkFailsWithTheReason() {
        GpuProbe.Result probe = GpuProbe.probe();
        Assumptions.assumeFalse(probe.available(), "this machine has a GPU");
        GpuUnavailableException e = assertThrows(GpuUnavailableException.class, () -> GpuContext.forDevice(0));
        assertTrue(e.getMessage().contains("no GPU on this machine"), e.getMessage());
    }
}
