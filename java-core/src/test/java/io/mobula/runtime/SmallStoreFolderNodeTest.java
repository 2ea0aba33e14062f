package io.mobula.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mobula.Mobula;
import io.mobula.NodeContext;
import io.mobula.ObjectRef;
import io.mobula.store.StoreFolderFullException;

/**
 * An embedded node whose store folder (a 64 MiB tmpfs) is filled by someone else: a put fails with
 * a typed error, and the node goes on, putting again once there is room. Mounting needs root, as
 * CI runs the tests.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SmallStoreFolderNodeTest {
    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + out);
        return out.trim();
    }

    @Test
    void aPutIntoAFolderFilledBehindTheNodesBackFailsTypedAndTheNodeGoesOn() throws Exception {
        Assumptions.assumeTrue(run("id", "-u").equals("0"), "this test mounts a 64 MiB tmpfs, which needs root; "
            + "CI runs the tests as root (run them so, or in a container with CAP_SYS_ADMIN)");
        Path folder = Files.createTempDirectory("mobula-small-shm-node-");
        run("mount", "-t", "tmpfs", "-o", "size=64m,mode=0700", "tmpfs", folder.toString());
        try (Mobula mobula = Mobula.init(new NodeContext().storeDirectory(folder).storeCapacityBytes(32 << 20).cpus(1)
            .spillDirectory(folder.resolve("spill")))) {
            assertEquals(folder, mobula.arenaPath().getParent());
            ObjectRef<byte[]> first = mobula.put(new byte[1 << 20]);
            Path filler = folder.resolve("someone-elses-file");
            fill(filler);
            byte[] big = new byte[8 << 20];
            big[123] = 45;
            RuntimeException failed = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> mobula.put(big));
            assertTrue(causedBy(failed, StoreFolderFullException.class), "typed: " + failed);
            Files.delete(filler);
            assertEquals(45, mobula.get(mobula.put(big))[123], "the node goes on once there is room");
            assertEquals(1 << 20, mobula.get(first).length);
        } finally {
            run("umount", folder.toString());
            Files.delete(folder);
        }
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    /** Writes {@code file} until its folder is full. */
    private static void fill(Path file) {
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < 256; i++) {
                out.write(chunk);
            }
        } catch (IOException e) {
            assertTrue(String.valueOf(e.getMessage()).contains("No space left"), e.toString());
            return;
        }
        throw new AssertionError("a 64 MiB tmpfs took 256 MiB");
    }
}
