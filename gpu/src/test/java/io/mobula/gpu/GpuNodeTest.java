package io.mobula.gpu;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

import io.mobula.Mobula;

/**
 * Base of the tests that need a GPU: one embedded node per test class, started lazily, and the
 * assumption checked per test, so each is reported as skipped with the reason where there is no GPU.
 */
@Tag("gpu")
abstract class GpuNodeTest {
    static Mobula mobula;

    @BeforeEach
    void startNode() {
        GpuAssumptions.assumeGpu();
        if (mobula == null) {
            mobula = Mobula.init();
        }
    }

    @AfterAll
    static void stopNode() {
        if (mobula != null) {
            mobula.close();
            mobula = null;
        }
    }
}
