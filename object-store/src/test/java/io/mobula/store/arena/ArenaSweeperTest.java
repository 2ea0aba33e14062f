package io.mobula.store.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mobula.store.StoreContext;

/**
 * A store's files do not outlive their owner: an exit that skips close removes them (shutdown
 * hook), a SIGKILL leaves them to the next store start in the folder, and a live owner's files,
 * or a dead owner's whose pid was reused, are told apart by the start time in the header.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ArenaSweeperTest {
    private Path directory;
    private Path spill;

    @BeforeEach
    void folders() throws Exception {
        Path shm = Path.of("/dev/shm");
        directory = Files.createTempDirectory(Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir")),
            "mobula-sweep-test-");
        spill = Files.createTempDirectory("mobula-sweep-test-spill-").resolve("spill");
    }

    @AfterEach
    void removeFolders() throws Exception {
        for (Path root : List.of(directory, spill.getParent())) {
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** The owner's line {@code data=... control=... spill=... spilled=N} as a map. */
    private static Map<String, String> fields(String line) {
        Map<String, String> fields = new HashMap<>();
        for (String field : line.split(" ")) {
            int eq = field.indexOf('=');
            fields.put(field.substring(0, eq), field.substring(eq + 1));
        }
        return fields;
    }

    private ReaderProcess owner(String mode) throws Exception {
        return new ReaderProcess(StoreOwnerMain.class, List.of(directory.toString(), spill.toString(), mode));
    }

    private static void assertAllExist(Map<String, String> files, boolean exist) {
        for (String key : List.of("data", "control", "spill")) {
            assertEquals(exist, Files.exists(Path.of(files.get(key))), key + " " + files.get(key));
        }
    }

    private void startAStore() {
        new SharedArenaStore(new StoreContext().capacityBytes(1 << 20), directory.resolve("mobula-" + ProcessHandle.current()
            .pid() + "-" + Long.toHexString(System.nanoTime()) + ".arena"), 4, false).close();
    }

    @Test
    void anOwnerThatCallsSystemExitWithoutClosingLeavesNoFiles() throws Exception {
        try (ReaderProcess owner = owner("exit")) {
            Map<String, String> files = fields(owner.readLine(60));
            assertTrue(Integer.parseInt(files.get("spilled")) > 0, "objects were spilled: " + files);
            assertEquals(0, owner.waitFor(60));
            assertAllExist(files, false);
        }
    }

    @Test
    void theFilesOfAnOwnerKilledWithSigkillAreRemovedByTheNextStoreStart() throws Exception {
        try (ReaderProcess owner = owner("hold")) {
            Map<String, String> files = fields(owner.readLine(60));
            owner.kill();
            assertAllExist(files, true); // SIGKILL runs no hook
            startAStore();
            assertAllExist(files, false);
        }
    }

    @Test
    void aLiveOwnersFilesSurviveAStoreStart() throws Exception {
        try (ReaderProcess owner = owner("hold")) {
            Map<String, String> files = fields(owner.readLine(60));
            startAStore();
            assertEquals(0, SharedArenaStore.sweepDeadArenas(directory));
            assertAllExist(files, true);
            try (ArenaReader reader = new ArenaReader(Path.of(files.get("data")))) {
                assertEquals(4, reader.layout().maxClients(), "the live owner's arena is whole");
            }
            owner.kill();
        }
    }

    @Test
    void anArenaWhoseOwnerPidNowBelongsToAnotherProcessIsRemoved() throws Exception {
        long pid = ProcessHandle.current().pid(); // alive, but not the process that "made" the files below
        long started = ProcessLiveness.startTime(pid);
        Path reused = arenaFiles("mobula-" + pid + "-aaa.arena", pid, started + 1);
        Path live = arenaFiles("mobula-" + pid + "-bbb.arena", pid, started);
        assertEquals(1, SharedArenaStore.sweepDeadArenas(directory));
        assertFalse(Files.exists(reused), "the pid is alive but its start time is not the owner's");
        assertFalse(Files.exists(ArenaDescriptor.controlPath(reused)));
        assertTrue(Files.exists(live), "pid and start time match: the owner lives");
        assertTrue(Files.exists(ArenaDescriptor.controlPath(live)));
    }

    /** Writes an arena's two files as an owner with {@code pid} and {@code startTime} would have. */
    private Path arenaFiles(String name, long pid, long startTime) throws Exception {
        ArenaDescriptor layout = ArenaDescriptor.layout(1 << 16, 16, 2);
        Path data = directory.resolve(name);
        try (Arena mapping = Arena.ofShared()) {
            MemorySegment arena = ArenaFile.createAndMap(data, layout.fileBytes(), mapping);
            ArenaFile.createAndMap(ArenaDescriptor.controlPath(data), layout.controlBytes(), mapping);
            layout.writeHeader(arena, pid, startTime, null);
        }
        return data;
    }

    private static long spillFiles(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("spill-")).count();
        }
    }

    @Test
    void theSpillFilesOfAnOwnerKilledWithSigkillAreRemovedEvenWithItsArenaGoneAndALiveOwnersAreKept() throws Exception {
        Path parent = spill.getParent();
        Path deadSpill = parent.resolve(ArenaSweeper.DEFAULT_SPILL_PREFIX + "dead");
        Path liveSpill = parent.resolve(ArenaSweeper.DEFAULT_SPILL_PREFIX + "live");
        try (ReaderProcess dead = new ReaderProcess(StoreOwnerMain.class, List.of(directory.toString(), deadSpill.toString(), "hold"));
             ReaderProcess live = new ReaderProcess(StoreOwnerMain.class, List.of(directory.toString(), liveSpill.toString(), "hold"))) {
            Map<String, String> deadFiles = fields(dead.readLine(60));
            fields(live.readLine(60));
            long liveCount = spillFiles(liveSpill);
            assertTrue(spillFiles(deadSpill) > 0 && liveCount > 0, "both owners spilled");
            // a live store between spills may have an empty spill directory it is about to write into
            Path idle = Files.createDirectory(parent.resolve(ArenaSweeper.DEFAULT_SPILL_PREFIX + "idle"));
            dead.kill();
            // the arena goes without its spills (its folder was cleared): only the spill files say whose they are
            Files.delete(Path.of(deadFiles.get("data")));
            Files.delete(Path.of(deadFiles.get("control")));
            new SharedArenaStore(new StoreContext().capacityBytes(1 << 20).spillDirectory(parent.resolve(
                ArenaSweeper.DEFAULT_SPILL_PREFIX + "new")), directory.resolve("mobula-" + ProcessHandle.current().pid()
                + "-" + Long.toHexString(System.nanoTime()) + ".arena"), 4, false).close();
            assertFalse(Files.exists(deadSpill), "a dead owner's spill directory is removed at the next store start");
            assertEquals(liveCount, spillFiles(liveSpill), "a live owner's spill files are kept");
            assertTrue(Files.isDirectory(idle), "an empty spill directory nothing was removed from is kept");
        }
    }
}
