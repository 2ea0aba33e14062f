package io.mobula.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mobula.Mobula;
import io.mobula.NodeContext;
import io.mobula.ObjectRef;
import io.mobula.worker.JvmCommand;

/**
 * A program that ends with System.exit inside its try-with-resources never closes its runtime; the
 * object store's files (arena data and control files, spill directory) must go all the same.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StoreFilesAtExitTest {
    /** {@code ExitingProgram SPILL_DIR}: fills an embedded node's store past its capacity, prints the files, exits. */
    public static final class ExitingProgram {
        public static void main(String[] args) {
            try (Mobula mobula = Mobula.init(new NodeContext().storeCapacityBytes(16 << 20).spillDirectory(Path.of(args[0]))
                .cpus(1))) {
                List<ObjectRef<byte[]>> held = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    held.add(mobula.put(new byte[4 << 20])); // held: the store spills to make room
                }
                Path arena = mobula.arenaPath();
                System.out.println("data=" + arena + " control="
                    + arena.resolveSibling(arena.getFileName().toString().replace(".arena", ".control")) + " spilled="
                    + mobula.storeStats().spilledCount());
                System.out.flush();
                System.exit(0);
            }
        }
    }

    @Test
    void anEmbeddedProgramThatCallsSystemExitInsideTryWithResourcesLeavesNoStoreFiles() throws Exception {
        Path spill = Files.createTempDirectory("mobula-exit-test-").resolve("spill");
        Process program = new ProcessBuilder(JvmCommand.of(ExitingProgram.class, List.of(spill.toString())))
            .redirectErrorStream(true).start();
        String out;
        try {
            assertTrue(program.waitFor(90, TimeUnit.SECONDS), "the program did not exit within 90 s");
            out = new String(program.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            program.destroyForcibly();
        }
        assertEquals(0, program.exitValue(), out);
        String line = out.lines().filter(l -> l.startsWith("data=")).findFirst().orElseThrow(() -> new AssertionError(out));
        Path data = Path.of(line.substring("data=".length(), line.indexOf(" control=")));
        Path control = Path.of(line.substring(line.indexOf(" control=") + " control=".length(), line.indexOf(" spilled=")));
        assertTrue(Integer.parseInt(line.substring(line.indexOf(" spilled=") + " spilled=".length())) > 0,
            "the program spilled, so a spill directory existed: " + line);
        assertFalse(Files.exists(data), "arena data file left behind: " + data);
        assertFalse(Files.exists(control), "arena control file left behind: " + control);
        assertFalse(Files.exists(spill), "spill directory left behind: " + spill);
        Files.deleteIfExists(spill.getParent());
    }
}
