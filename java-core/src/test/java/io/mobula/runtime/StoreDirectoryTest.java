package io.mobula.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mobula.Mobula;
import io.mobula.NodeContext;

/** NodeContext.storeDirectory puts the node's arena where it says, and refuses what is no folder. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StoreDirectoryTest {
    @Test
    void theArenaIsCreatedInTheStoreDirectory() throws Exception {
        Path shm = Path.of("/dev/shm");
        Path dir = Files.createTempDirectory(Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir")),
            "mobula-store-dir-test-");
        try {
            Path arena;
            try (Mobula mobula = Mobula.init(new NodeContext().storeDirectory(dir).storeCapacityBytes(16 << 20).cpus(1))) {
                arena = mobula.arenaPath();
                assertEquals(dir, arena.getParent());
                byte[] value = new byte[1 << 20];
                value[7] = 7;
                assertEquals(7, mobula.get(mobula.put(value))[7]);
            }
            assertFalse(Files.exists(arena), "closed: the arena is gone");
        } finally {
            try (var left = Files.list(dir)) {
                for (Path file : (Iterable<Path>) left::iterator) {
                    Files.delete(file);
                }
            }
            Files.delete(dir);
        }
    }

    @Test
    void aStoreDirectoryThatIsNoFolderIsRefusedWithTheFix() {
        Path missing = Path.of(System.getProperty("java.io.tmpdir"), "mobula-no-such-folder-" + System.nanoTime());
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> new NodeContext().storeDirectory(missing).conclude());
        assertTrue(refused.getMessage().contains("storeDirectory " + missing + " is not a directory"), refused.getMessage());
    }
}
