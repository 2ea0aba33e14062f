package io.mobula.cluster.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.mobula.store.arena.SharedArenaStore;

/**
 * Removes the shared-memory files of Mobula processes that died without cleaning up (killed with
 * SIGKILL, say): their Aeron directories ({@code mobula-aeron-<pid>-*}) in {@code /dev/shm}, and
 * their arenas, which the object store judges by the owner its header records
 * ({@link SharedArenaStore#sweepDeadArenas}; every store start does that too). A node does this
 * when it starts, so a crash leaks nothing for long.
 */
public final class StaleFiles {
    private static final Pattern OWNED = Pattern.compile("mobula-aeron-(\\d+)-[0-9a-f]+");

    private StaleFiles() {
    }

    /** @return how many were removed. */
    public static int removeDeadProcessFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int removed = SharedArenaStore.sweepDeadArenas(dir);
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                Matcher m = OWNED.matcher(entry.getFileName().toString());
                if (m.matches() && !ProcessHandle.of(Long.parseLong(m.group(1))).map(ProcessHandle::isAlive).orElse(false)) {
                    deleteTree(entry);
                    removed++;
                }
            }
        } catch (IOException e) {
            // best effort: what is left is removed by the next start
        }
        return removed;
    }

    private static void deleteTree(Path path) throws IOException {
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
