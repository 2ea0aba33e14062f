package io.mobula.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPInputStream;


/**
 * Reads one {@link FileBlock}'s lines, streaming: one line in memory at a time. Lines end at
 * {@code \n}; a {@code \r} before it is dropped; the last line may lack its {@code \n}. Text is
 * UTF-8.
 */
public final class LineReader implements Iterator<String>, AutoCloseable {
    private static final int BUFFER_BYTES = 1 << 16;

    private final InputStream in;
    private final FileBlock block;
    /** Offset (plain: bytes; gzip: lines) of the next line to read. */
    private long position;
    private byte[] line = new byte[256];
    private String next;
    private boolean done;

    private LineReader(InputStream in, FileBlock block, long position) {
        this.in = in;
        this.block = block;
        this.position = position;
    }

    /** The block's lines as a stream; closing the stream closes the file. */
    public static Stream<String> lines(FileBlock block) {
        LineReader reader = open(block);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(reader, Spliterator.ORDERED | Spliterator.NONNULL),
            false).onClose(reader::close);
    }

    static LineReader open(FileBlock block) {
        Path path = Path.of(block.path());
        try {
            if (block.gzip()) {
                LineReader reader = new LineReader(new GZIPInputStream(new BufferedInputStream(
                    Channels.newInputStream(FileChannel.open(path, StandardOpenOption.READ)), BUFFER_BYTES), BUFFER_BYTES), block, 0);
                while (reader.position < block.from() && reader.readLine() >= 0) {
                    reader.position++;
                }
                return reader;
            }
            FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
            long start = block.from();
            if (start == 0) {
                return new LineReader(new BufferedInputStream(Channels.newInputStream(channel), BUFFER_BYTES), block, 0);
            }
            // The line starting at `start` is ours only if the byte before it ends a line.
            channel.position(start - 1);
            InputStream in = new BufferedInputStream(Channels.newInputStream(channel), BUFFER_BYTES);
            LineReader reader = new LineReader(in, block, start);
            int before = in.read();
            if (before != '\n' && before >= 0) {
                int skipped = reader.readLine();
                reader.position += Math.max(skipped, 0);
            }
            return reader;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new DataSourceException("the file " + path + " is gone (it was there when the dataset was planned); "
                + "keep input files in place until the work is done, and at the same path on every node", e);
        } catch (IOException e) {
            throw new DataSourceException("cannot read " + path + ": " + e.getMessage()
                + (block.gzip() ? "; is it really gzip-compressed?" : ""), e);
        }
    }

    @Override
    public boolean hasNext() {
        if (next == null && !done) {
            advance();
        }
        return next != null;
    }

    @Override
    public String next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        String line = next;
        next = null;
        return line;
    }

    private void advance() {
        if (position >= block.to()) {
            done = true;
            return;
        }
        try {
            boolean header = block.skipHeader() && position == 0;
            int consumed = readLine();
            if (consumed < 0) {
                done = true;
                return;
            }
            position += block.gzip() ? 1 : consumed;
            if (header) {
                advance();
                return;
            }
            int length = lineLength;
            if (length > 0 && line[length - 1] == '\r') {
                length--;
            }
            next = new String(line, 0, length, StandardCharsets.UTF_8);
        } catch (EOFException e) {
            throw new DataSourceException("the file " + block.path() + " ends in the middle of its gzip data; "
                + "the file is truncated or corrupt", e);
        } catch (IOException e) {
            throw new DataSourceException("cannot read " + block.path() + ": " + e.getMessage(), e);
        }
    }

    private int lineLength;

    /**
     * Reads bytes up to and including the next {@code \n} into {@link #line} (without it).
     *
     * @return the bytes consumed, {@code \n} included; -1 at the end of the file.
     */
    private int readLine() throws IOException {
        lineLength = 0;
        int consumed = 0;
        int b;
        while ((b = in.read()) >= 0) {
            consumed++;
            if (b == '\n') {
                return consumed;
            }
            if (lineLength == line.length) {
                line = Arrays.copyOf(line, line.length * 2);
            }
            line[lineLength++] = (byte) b;
        }
        return consumed == 0 ? -1 : consumed;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
