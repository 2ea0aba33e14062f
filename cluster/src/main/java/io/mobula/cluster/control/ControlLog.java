package io.mobula.cluster.control;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The head's append-only command log: every lasting command (join, leave, dead) is written and
 * flushed before the {@link ControlService} applies it, so a restarted head replays the file and has
 * its tables back. A torn last
 * line (the head died mid-write) is skipped on replay.
 */
public final class ControlLog implements AutoCloseable {
    private final BufferedWriter out;

    private ControlLog(BufferedWriter out) {
        this.out = out;
    }

    /** Replays {@code file} into {@code service} (if it exists), then opens it for appending. */
    public static ControlLog openAndReplay(Path file, ControlService service) {
        try {
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        service.apply(ControlService.Command.parse(line));
                    } catch (IllegalArgumentException e) {
                        // a torn or foreign line: the commands before it stand
                    }
                }
            }
            Files.createDirectories(file.getParent());
            return new ControlLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the control log " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes a command before it is applied. */
    public void append(ControlService.Command command) {
        try {
            out.write(command.toLine());
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the control log: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            // nothing left to save
        }
    }
}
