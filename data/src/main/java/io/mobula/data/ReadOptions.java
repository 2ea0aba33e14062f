package io.mobula.data;

/**
 * How files are cut into blocks and parsed. Immutable; each setter returns a copy.
 * <p>
 * A block is a range of lines, read by one task: a plain file is cut into byte ranges of
 * {@link #blockBytes} and each block takes the lines that start in its range (so a line is read
 * whole, by exactly one block); a {@code .gz} file cannot be entered in the middle, so the driver
 * reads it once, counting lines, and cuts it into line ranges of about {@link #blockBytes}
 * uncompressed bytes, each task reading from the start and skipping to its first line.
 *
 * @param blockBytes      the size of a block, in bytes (uncompressed); default 1 MiB.
 * @param csvDelimiter    the CSV field delimiter; default {@code ','}.
 * @param csvHeader       whether each CSV file's first line names the columns (and is skipped); default false.
 */
public record ReadOptions(long blockBytes, char csvDelimiter, boolean csvHeader) {
    public static final long BLOCK_BYTES_DEFAULT = 1 << 20;

    public ReadOptions {
        if (blockBytes < 1) {
            throw new IllegalArgumentException("blockBytes must be at least 1, got " + blockBytes
                + "; pass the size of a block in bytes, such as 1 << 20");
        }
        if (csvDelimiter == '"' || csvDelimiter == '\n' || csvDelimiter == '\r') {
            throw new IllegalArgumentException("the CSV delimiter cannot be a quote or a line break; pass ',' ';' or '\\t'");
        }
    }

    /** 1 MiB blocks, comma-separated CSV without a header line. */
    public static ReadOptions defaults() {
        return new ReadOptions(BLOCK_BYTES_DEFAULT, ',', false);
    }

    public ReadOptions blockBytes(long bytes) {
        return new ReadOptions(bytes, csvDelimiter, csvHeader);
    }

    public ReadOptions csvDelimiter(char delimiter) {
        return new ReadOptions(blockBytes, delimiter, csvHeader);
    }

    public ReadOptions csvHeader(boolean header) {
        return new ReadOptions(blockBytes, csvDelimiter, header);
    }
}
