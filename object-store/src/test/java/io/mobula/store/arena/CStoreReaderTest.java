package io.mobula.store.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mobula.store.ObjectBuilder;
import io.mobula.store.ObjectId;
import io.mobula.store.StoreContext;

/**
 * The C store reader ({@code native/include/mobula_store.h}, through its {@code mobula-store-cat}
 * tool) reads what Java wrote: same size, kind and checksum, zero-copy from the same arena.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CStoreReaderTest {
    /** Built by the native module (CMake) earlier in the same Maven build. */
    private static final Path CAT = Path.of("..", "native", "target", "cmake", "native", "store", "mobula-store-cat");

    private static String cat(Path arena, ObjectId id, String... extra) throws Exception {
        assertTrue(Files.isExecutable(CAT), CAT.toAbsolutePath() + " is missing: the native module builds it "
            + "(run the whole build, mvn verify, not this module alone)");
        List<String> command = new ArrayList<>(List.of(CAT.toString(), arena.toString(), id.toString()));
        command.addAll(List.of(extra));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        return out + " exit=" + process.exitValue();
    }

    @Test
    void theCReaderSeesWhatJavaWrote() throws Exception {
        try (SharedArenaStore store = SharedArenaStore.inSharedMemory(new StoreContext().capacityBytes(64 << 20), false)) {
            int[] sizes = {1, 1000, 4096, 1 << 20, 13 * 1024 * 1024 + 7};
            for (int i = 0; i < sizes.length; i++) {
                ObjectId id = new ObjectId(31, i + 1);
                ObjectBuilder builder = store.create(id, sizes[i], 9);
                Checksums.fill(builder.data(), id.low());
                builder.seal();
                String expected = "size=" + sizes[i] + " kind=9 fnv1a64=" + String.format("%016x", Checksums.fnv1a64(builder.data()));
                assertEquals(expected + " exit=0", cat(store.path(), id));
            }
            String missing = cat(store.path(), new ObjectId(31, 99));
            assertTrue(missing.endsWith("exit=3"), missing);
        }
    }

    @Test
    void theCReaderWaitsForASeal() throws Exception {
        try (SharedArenaStore store = SharedArenaStore.inSharedMemory(new StoreContext().capacityBytes(8 << 20), false)) {
            ObjectId id = new ObjectId(31, 100);
            ObjectBuilder builder = store.create(id, 512, 2);
            Checksums.fill(builder.data(), 100);
            Thread sealer = new Thread(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    return;
                }
                builder.seal();
            });
            sealer.start();
            String out = cat(store.path(), id, "--wait-ms", "20000");
            sealer.join();
            assertTrue(out.startsWith("size=512 kind=2") && out.endsWith("exit=0"), out);
        }
    }
}
