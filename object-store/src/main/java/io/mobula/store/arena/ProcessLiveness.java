package io.mobula.store.arena;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a process is alive, told apart from a later process that got the same pid: the start
 * time (field 22 of {@code /proc/<pid>/stat}) is recorded at registration and compared.
 */
final class ProcessLiveness {
    private ProcessLiveness() {
    }

    /** @return the process's start time in clock ticks since boot, or -1 if it does not exist. */
    static long startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) is in parentheses and may hold spaces: count from its end.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[19]); // field 22 overall is the 20th after the name
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static boolean isAlive(long pid, long startTime) {
        return pid > 0 && startTime(pid) == startTime;
    }
}
