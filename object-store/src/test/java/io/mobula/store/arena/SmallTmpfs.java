package io.mobula.store.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs mounted for one test (a container's {@code /dev/shm}, a spill disk that fills): the
 * test is skipped, saying why, unless it runs as root (CI runs the tests so); unmounted and removed
 * at close.
 */
final class SmallTmpfs implements AutoCloseable {
    private final Path folder;

    private SmallTmpfs(Path folder) {
        this.folder = folder;
    }

    /** Mounts a tmpfs of {@code size} (as mount takes it: {@code 64m}) on a new temp folder named {@code prefix...}. */
    static SmallTmpfs mount(String size, String prefix) throws Exception {
        Assumptions.assumeTrue(run("id", "-u").equals("0"), "this test mounts a " + size + " tmpfs, which needs root; "
            + "CI runs the tests as root (run them so, or in a container with CAP_SYS_ADMIN)");
        Path folder = Files.createTempDirectory(prefix);
        run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", folder.toString());
        return new SmallTmpfs(folder);
    }

    Path folder() {
        return folder;
    }

    @Override
    public void close() throws Exception {
        run("umount", folder.toString());
        Files.deleteIfExists(folder);
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + out);
        return out.trim();
    }
}
