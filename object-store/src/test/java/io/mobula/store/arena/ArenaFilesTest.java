package io.mobula.store.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mobula.store.ObjectBuilder;
import io.mobula.store.ObjectId;
import io.mobula.store.StoreContext;

/** The store's files are the owner's alone, and a reader needs no write access to the data file. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ArenaFilesTest {
    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void theDataFileTheControlFileAndEverySpillFileAreTheOwnersAlone() throws Exception {
        Path spill = SharedArenaStore.defaultSpillDirectory();
        try (SharedArenaStore store = SharedArenaStore.inSharedMemory(new StoreContext().capacityBytes(8 << 20)
            .createTimeoutNs(TimeUnit.MILLISECONDS.toNanos(100)).spillDirectory(spill), false)) {
            for (int i = 0; i < 24; i++) { // three times the capacity: most of it goes to disk
                ObjectBuilder builder = store.create(new ObjectId(41, i + 1), 1 << 20, 2);
                Checksums.fill(builder.data(), i);
                builder.seal();
            }
            assertTrue(store.stats().spilledCount() > 0, "objects were spilled: " + store.stats());
            assertEquals("rw-------", mode(store.path()), "data file");
            assertEquals("rw-------", mode(ArenaDescriptor.controlPath(store.path())), "control file");
            assertEquals("rwx------", mode(spill), "spill directory");
            List<Path> spillFiles;
            try (Stream<Path> files = Files.list(spill)) {
                spillFiles = files.toList();
            }
            assertFalse(spillFiles.isEmpty());
            for (Path file : spillFiles) {
                assertEquals("rw-------", mode(file), file.toString());
            }
        }
        assertFalse(Files.exists(spill), "the spill directory goes at close");
    }

    @Test
    void aReaderThatMayNotWriteTheDataFileStillMapsItAndGetsObjects() throws Exception {
        try (SharedArenaStore store = SharedArenaStore.inSharedMemory(new StoreContext().capacityBytes(8 << 20), false)) {
            ObjectId id = new ObjectId(42, 1);
            ObjectBuilder builder = store.create(id, 100_000, 2);
            Checksums.fill(builder.data(), 1);
            builder.seal();
            long checksum = Checksums.fnv1a64(builder.data());
            Files.setPosixFilePermissions(store.path(), PosixFilePermissions.fromString("r--------"));
            try (ReaderProcess reader = new ReaderProcess(withoutFileOverride(), store.path(), List.of(id.toString()))) {
                String line = reader.readLine(60);
                assertEquals(id + " size=100000", line.substring(0, line.indexOf(" getNanos")), line);
                assertTrue(line.contains("fnv1a64=" + Long.toHexString(checksum) + " inPlace=true"), line);
                assertEquals(0, reader.waitFor(30));
            }
        }
    }

    @Test
    void filesThatAreNoArenaAreRefusedWithTheReason() throws Exception {
        Path dir = Files.createTempDirectory("mobula-not-an-arena-");
        try {
            Path data = dir.resolve("short.arena");
            Files.write(data, new byte[10]);
            Files.write(ArenaDescriptor.controlPath(data), new byte[4096]);
            IllegalStateException tooShort = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> new ArenaReader(data));
            assertTrue(tooShort.getMessage().contains("not a Mobula arena") && tooShort.getMessage().contains("10 bytes"),
                tooShort.getMessage());
            IllegalArgumentException badName = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ArenaReader(dir.resolve("short.bin")));
            assertTrue(badName.getMessage().contains("<name>.arena"), badName.getMessage());
            java.io.UncheckedIOException noControl = org.junit.jupiter.api.Assertions.assertThrows(
                java.io.UncheckedIOException.class, () -> new ArenaReader(dir.resolve("missing.arena")));
            assertTrue(noControl.getMessage().contains("missing.control"), noControl.getMessage());
        } finally {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Files.delete(file);
                }
            }
            Files.delete(dir);
        }
    }

    /**
     * A prefix under which file modes bind the reader: as root (CI) the reader JVM runs without
     * CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, so a 0400 file is read-only to it as to any owner.
     */
    static List<String> withoutFileOverride() throws Exception {
        if (!"0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).trim())) {
            return List.of();
        }
        assertTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "as root this test needs setpriv (util-linux) to "
            + "start the reader without the capability to override file modes");
        return new ArrayList<>(List.of("/usr/bin/setpriv", "--bounding-set=-dac_override,-dac_read_search",
            "--inh-caps=-dac_override,-dac_read_search", "--"));
    }
}
