package io.mobula.store.arena;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files one store owns: its arena's data and control files and its spill directory. They are
 * created owner-only (0600, the spill directory 0700) and removed at {@link #close()}, or by a
 * shutdown hook when the process exits without closing the store ({@code System.exit} inside a
 * try-with-resources, SIGTERM, SIGINT): shared memory is RAM, and a file left in {@code /dev/shm}
 * holds it until the next boot. A process killed with SIGKILL runs no hook; the next store start
 * in the same folder removes what it left ({@link ArenaSweeper}).
 * <p>
 * Only files this object created are removed, never one that was there before.
 */
final class ArenaFiles implements AutoCloseable {
    private final Path data;
    private final Path control;
    private final Path spillDirectory;
    private final Thread hook;
    private volatile boolean dataCreated;
    private volatile boolean controlCreated;
    private boolean closed;

    /**
     * Names the files and registers the shutdown hook that removes them.
     *
     * @param spillDirectory the store's spill directory, or null if it never spills.
     * @throws IllegalArgumentException if {@code data}'s name does not end with {@code .arena}.
     */
    ArenaFiles(Path data, Path spillDirectory) {
        this.data = data;
        this.control = ArenaDescriptor.controlPath(data);
        this.spillDirectory = spillDirectory;
        this.hook = new Thread(this::delete, "mobula-arena-files");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Creates and maps the data file (which must not exist), {@code bytes} long, sparse, mode 0600. */
    MemorySegment createData(long bytes, Arena mapping) {
        MemorySegment segment = ArenaFile.createAndMap(data, bytes, mapping);
        dataCreated = true;
        return segment;
    }

    /** Creates and maps the control file (which must not exist), {@code bytes} long, sparse, mode 0600. */
    MemorySegment createControl(long bytes, Arena mapping) {
        MemorySegment segment = ArenaFile.createAndMap(control, bytes, mapping);
        controlCreated = true;
        return segment;
    }

    Path data() {
        return data;
    }

    Path control() {
        return control;
    }

    /**
     * Removes the files and lets go of the shutdown hook. Mappings of them stay valid (unlinking
     * a mapped file frees its memory only when the last mapping goes), so readers still attached
     * read on until they close.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs, or has run, delete() as well
        }
        delete();
    }

    /** Unlinks what this object created; safe to run twice and from the shutdown hook while the store is in use. */
    private void delete() {
        if (dataCreated) {
            deleteQuietly(data);
        }
        if (controlCreated) {
            deleteQuietly(control);
        }
        if (spillDirectory != null) {
            Spiller.deleteSpillFiles(spillDirectory, ProcessHandle.current().pid());
        }
    }

    static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // the next store start in this folder sweeps it (ArenaSweeper)
        }
    }
}
