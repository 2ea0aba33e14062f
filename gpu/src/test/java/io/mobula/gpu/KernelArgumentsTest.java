package io.mobula.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import jcuda.driver.CUdeviceptr;

/** Launch arguments are checked against the kernel's parameters before anything reaches the device. */
class KernelArgumentsTest {
    @Test
    void argumentsThatFitArePacked() {
        assertEquals(5, KernelArguments.pack(Kernel.SAXPY, 0, 2f, new CUdeviceptr(), null, new CUdeviceptr(), 7).length);
        assertEquals(7, KernelArguments.pack(Kernel.SOFTMAX_XENT_GRAD, 0, null, null, null, null, 3, 4, 0.25f).length);
    }

    @Test
    void wrongCountOrTypeIsRejectedWithItsPosition() {
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
            () -> KernelArguments.pack(Kernel.VECTOR_ADD, 0, null, null, null));
        assertTrue(count.getMessage().contains("takes 4 arguments"), count.getMessage());
        IllegalArgumentException alpha = assertThrows(IllegalArgumentException.class,
            () -> KernelArguments.pack(Kernel.SAXPY, 0, 2.0, null, null, null, 7));
        assertTrue(alpha.getMessage().contains("argument 0") && alpha.getMessage().contains("FLOAT")
            && alpha.getMessage().contains("java.lang.Double"), alpha.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KernelArguments.pack(Kernel.VECTOR_ADD, 0, null, null, null, 7L));
        assertThrows(IllegalArgumentException.class, () -> KernelArguments.pack(Kernel.VECTOR_ADD, 0, null, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> KernelArguments.pack(Kernel.MATMUL, 0, 1, null, null, 1, 1, 1));
    }
}
