package io.mobula.cluster.control;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import io.mobula.transport.MalformedMessageException;

/**
 * The head's append-only command log: every lasting command (join, leave, dead, a group's or a
 * name's life) is written and flushed before the {@link ControlService} applies it, so a restarted
 * head replays the file and has its tables back.
 * <pre>
 *   file:    record*
 *   record:  0 length u32 (little-endian) | 4 a ControlCommand message of the schema, length bytes
 * </pre>
 * A record that does not parse but whose length fits is skipped (the commands around it stand,
 * and it is counted as a malformed message). Where the framing breaks (a torn last record: the head
 * died mid-write, or a file in another format) replay stops, and the file is cut back to the last
 * whole record so that what is appended next can be read.
 */
public final class ControlLog implements AutoCloseable {
    private static final int LENGTH_BYTES = Integer.BYTES;
    private final OutputStream out;

    private ControlLog(OutputStream out) {
        this.out = out;
    }

    /** Replays {@code file} into {@code service} (if it exists), then opens it for appending. */
    public static ControlLog openAndReplay(Path file, ControlService service) {
        try {
            if (Files.exists(file)) {
                long whole = replay(Files.readAllBytes(file), service);
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    if (channel.size() > whole) {
                        channel.truncate(whole); // a torn or foreign tail: appended records must follow whole ones
                    }
                }
            }
            Files.createDirectories(file.getParent());
            return new ControlLog(new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the control log " + file + ": " + e.getMessage(), e);
        }
    }

    /** @return how many bytes of {@code log} are whole records. */
    private static long replay(byte[] log, ControlService service) {
        ByteBuffer in = ByteBuffer.wrap(log).order(ByteOrder.LITTLE_ENDIAN);
        int at = 0;
        while (log.length - at >= LENGTH_BYTES) {
            long length = in.getInt(at) & 0xFFFF_FFFFL;
            if (length > log.length - at - LENGTH_BYTES) {
                break; // torn, or not this format
            }
            byte[] record = Arrays.copyOfRange(log, at + LENGTH_BYTES, at + LENGTH_BYTES + (int) length);
            at += LENGTH_BYTES + (int) length;
            try {
                service.apply(ControlCommands.decode(record));
            } catch (MalformedMessageException | IllegalArgumentException e) {
                // a damaged or foreign record: the commands before and after it stand
            }
        }
        return at;
    }

    /** Writes a command before it is applied. @throws IllegalArgumentException for a verb the service does not know. */
    public void append(ControlService.Command command) {
        byte[] record = ControlCommands.encode(command);
        try {
            out.write(ByteBuffer.allocate(LENGTH_BYTES).order(ByteOrder.LITTLE_ENDIAN).putInt(record.length).array());
            out.write(record);
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
