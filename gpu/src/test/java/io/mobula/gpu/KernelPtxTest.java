package io.mobula.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The PTX the build packaged: its ISA pinned, every {@link Kernel} present. No GPU needed. */
class KernelPtxTest {
    @Test
    void packagedPtxIsPinnedAndHasEveryKernel() {
        Assumptions.assumeTrue(KernelPtx.packaged(), "the gpu module was built without nvcc, so it packages no PTX");
        byte[] bytes = KernelPtx.load();
        assertEquals(0, bytes[bytes.length - 1], "NUL-terminated for cuModuleLoadData");
        String ptx = new String(bytes, 0, bytes.length - 1, StandardCharsets.US_ASCII);
        assertTrue(ptx.lines().anyMatch(line -> line.equals(".version 8.0")), "ISA pinned to 8.0 for older drivers");
        assertTrue(ptx.lines().anyMatch(line -> line.equals(".target sm_80")), "compute_80 PTX");
        for (Kernel kernel : Kernel.values()) {
            String entry = ".entry " + kernel.symbol() + "(";
            int at = ptx.indexOf(entry);
            assertTrue(at >= 0, "PTX has " + kernel.symbol());
            List<String> types = ptx.substring(at, ptx.indexOf(')', at)).lines()
                .map(String::strip).filter(line -> line.startsWith(".param"))
                .map(line -> line.split("\\s+")[1]).toList();
            assertEquals(kernel.params().stream().map(Kernel.Param::ptxType).toList(), types, kernel + "'s parameters");
        }
        assertEquals(Kernel.values().length, Arrays.stream(ptx.split("\n")).filter(l -> l.contains(".entry ")).count(),
            "every entry in the PTX has a Kernel constant");
    }
}
