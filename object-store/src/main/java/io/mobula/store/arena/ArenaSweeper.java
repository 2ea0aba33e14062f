package io.mobula.store.arena;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Removes the arenas whose owner died without removing them (killed with SIGKILL or by the OOM
 * killer: no shutdown hook ran), with their control files and the spill directories their headers
 * record. Every store start sweeps the folder it creates its arena in, so a crash leaks nothing
 * past the next start on the host.
 * <p>
 * The owner is the pid and the process start time the header records: a pid that the kernel has
 * given to a later process does not keep a dead owner's files, and a live owner's files are never
 * touched. A file whose header is not written yet (its owner is creating it) is judged by the pid
 * in its name and kept while a process with that pid lives.
 */
final class ArenaSweeper {
    /** Names stores give their arenas: {@code mobula-<pid>-<hex>}, then the suffix. */
    private static final Pattern NAMED = Pattern.compile("mobula-(\\d+)-[0-9a-f]+");

    /** Names default spill directories start with ({@link SharedArenaStore#defaultSpillDirectory()}). */
    static final String DEFAULT_SPILL_PREFIX = "mobula-spill-";

    private ArenaSweeper() {
    }

    /** @return how many arenas (data file, control file and spill directory together) were removed. */
    static int sweep(Path directory) {
        if (directory == null || !Files.isDirectory(directory)) {
            return 0;
        }
        int removed = 0;
        try (Stream<Path> entries = Files.list(directory)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String name = entry.getFileName().toString();
                if (!Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (name.endsWith(ArenaDescriptor.DATA_SUFFIX) && name.length() > ArenaDescriptor.DATA_SUFFIX.length()) {
                    removed += sweepArena(entry) ? 1 : 0;
                } else if (name.endsWith(ArenaDescriptor.CONTROL_SUFFIX)) {
                    removed += sweepOrphanControl(entry) ? 1 : 0;
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // best effort: the folder changed under the listing; the next start sweeps again
        }
        return removed;
    }

    /**
     * Removes dead owners' spill files from {@code spillDirectory} and from its siblings named as
     * default spill directories are ({@code mobula-spill-*}), and each directory that leaves empty.
     * Spill files name their owner in their manifest ({@link SpillFileDescriptor}), so this finds
     * the spills of an owner whose arena is gone (its folder was cleared, or it was swept by a
     * store start that could not reach the spill directory then). A live owner's are kept.
     *
     * @return how many spill files were removed.
     */
    static int sweepSpills(Path spillDirectory) {
        if (spillDirectory == null) {
            return 0;
        }
        Path directory = spillDirectory.toAbsolutePath();
        int removed = Spiller.deleteDeadOwnersSpillFiles(directory);
        Path parent = directory.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            return removed;
        }
        try (Stream<Path> siblings = Files.list(parent)) {
            for (Path sibling : (Iterable<Path>) siblings::iterator) {
                if (!sibling.equals(directory) && sibling.getFileName().toString().startsWith(DEFAULT_SPILL_PREFIX)
                    && Files.isDirectory(sibling, LinkOption.NOFOLLOW_LINKS)) {
                    removed += Spiller.deleteDeadOwnersSpillFiles(sibling);
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // best effort: the folder changed under the listing; the next start sweeps again
        }
        return removed;
    }

    private static boolean sweepArena(Path data) {
        Owner owner = Owner.of(data);
        if (owner.alive()) {
            return false;
        }
        ArenaFiles.deleteQuietly(data);
        ArenaFiles.deleteQuietly(ArenaDescriptor.controlPath(data));
        if (owner.spillDirectory() != null) {
            Spiller.deleteDeadOwnersSpillFiles(owner.spillDirectory());
        }
        return true;
    }

    /** A control file whose data file is gone: left when its owner died between removing the two. */
    private static boolean sweepOrphanControl(Path control) {
        String name = control.getFileName().toString();
        String stem = name.substring(0, name.length() - ArenaDescriptor.CONTROL_SUFFIX.length());
        if (Files.exists(control.resolveSibling(stem + ArenaDescriptor.DATA_SUFFIX))) {
            return false; // swept (or kept) with its data file
        }
        Matcher m = NAMED.matcher(stem);
        if (!m.matches() || ProcessLiveness.startTime(Long.parseLong(m.group(1))) >= 0) {
            return false; // a live process may be creating it
        }
        ArenaFiles.deleteQuietly(control);
        return true;
    }

    /** Who owns an arena file, as far as the file tells. */
    record Owner(boolean alive, Path spillDirectory) {
        static Owner of(Path data) {
            ByteBuffer header = ByteBuffer.allocate((int) ArenaDescriptor.HEADER.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
            try (FileChannel channel = FileChannel.open(data, StandardOpenOption.READ)) {
                while (header.hasRemaining() && channel.read(header) >= 0) {
                    // read the whole header, or what the file has of it
                }
            } catch (IOException e) {
                return new Owner(true, null); // cannot tell: keep it
            }
            MemorySegment bytes = MemorySegment.ofArray(header.array());
            boolean complete = !header.hasRemaining();
            if (!complete || bytes.get(ValueLayout.JAVA_LONG_UNALIGNED, ArenaDescriptor.MAGIC_OFFSET) != ArenaDescriptor.MAGIC) {
                return new Owner(namedOwnerLives(data), null); // its owner is still writing the header, or it is no arena
            }
            long pid = bytes.get(ValueLayout.JAVA_LONG_UNALIGNED, ArenaDescriptor.OWNER_PID_OFFSET);
            if (bytes.get(ValueLayout.JAVA_INT_UNALIGNED, ArenaDescriptor.FORMAT_VERSION_OFFSET) != ArenaDescriptor.FORMAT_VERSION) {
                // an older format records the pid alone: dead only if no process has it
                return new Owner(ProcessLiveness.startTime(pid) >= 0, null);
            }
            long started = bytes.get(ValueLayout.JAVA_LONG_UNALIGNED, ArenaDescriptor.OWNER_START_TIME_OFFSET);
            boolean alive = started > 0 ? ProcessLiveness.isAlive(pid, started) // the owner could not read its start time:
                : ProcessLiveness.startTime(pid) >= 0;                            // the pid alone decides
            return new Owner(alive, ArenaDescriptor.spillDirectory(bytes));
        }

        private static boolean namedOwnerLives(Path data) {
            String name = data.getFileName().toString();
            Matcher m = NAMED.matcher(name.substring(0, name.length() - ArenaDescriptor.DATA_SUFFIX.length()));
            return !m.matches() || ProcessLiveness.startTime(Long.parseLong(m.group(1))) >= 0;
        }
    }
}
