package io.mobula.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Launch geometry: every element and tile covered, and no launch of zero blocks. */
class LaunchShapeTest {
    @Test
    void linearCoversEveryElement() {
        assertEquals(new LaunchShape(1, 1, 256, 1), LaunchShape.linear(0), "n = 0 still launches one block");
        assertEquals(1, LaunchShape.linear(256).gridX());
        assertEquals(2, LaunchShape.linear(257).gridX());
        assertEquals(8_388_608, LaunchShape.linear(Integer.MAX_VALUE).gridX());
    }

    @Test
    void matmulCoversEveryTile() {
        LaunchShape shape = LaunchShape.matmul(65, 129);
        assertEquals(3, shape.gridX(), "columns: ceil(129 / 64)");
        assertEquals(2, shape.gridY(), "rows: ceil(65 / 64)");
        assertEquals(16, shape.blockX());
        assertEquals(16, shape.blockY());
        assertThrows(IllegalArgumentException.class, () -> LaunchShape.matmul(65_535 * 64 + 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new LaunchShape(1, 1, 64, 64));
    }

    @Test
    void theProbeSummarisesJCudasLoadError() {
        String jcuda = """
            Error while loading native library "JCudaDriver-12.6.0-linux-x86_64"
            Stack trace from the attempt to load the library as a resource:
            java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver-12.6.0-linux-x86_64.so: libcuda.so.1: cannot open shared object file: No such file or directory
            \tat java.base/jdk.internal.loader.NativeLibraries.load(Native Method)
            """;
        assertEquals("libcuda.so.1: cannot open shared object file: No such file or directory",
            GpuProbe.summary(new UnsatisfiedLinkError(jcuda)));
        assertEquals("first line", GpuProbe.summary(new UnsatisfiedLinkError("first line\nsecond")));
    }
}
