package io.mobula.data;

import java.io.Serializable;

/**
 * One block of a file: a range of its lines, read by one task. What travels to the task is this
 * description, never the lines; the task reads them from {@link #path}, so the file must be
 * readable at that path wherever the task runs.
 * <p>
 * For a plain file, {@code from}/{@code to} are byte offsets and the block is the lines that
 * start at an offset in {@code [from, to)}. For a {@code .gz} file they are line numbers (from 0),
 * {@code [from, to)}.
 *
 * @param path       the file, absolute.
 * @param gzip       whether the file is gzip-compressed.
 * @param from       first byte offset (plain) or line (gzip).
 * @param to         end, exclusive.
 * @param csv        whether lines are parsed as CSV rows (else they are strings).
 * @param delimiter  the CSV delimiter.
 * @param skipHeader whether the file's first line is a header to skip (only matters to the block holding it).
 */
public record FileBlock(String path, boolean gzip, long from, long to, boolean csv, char delimiter, boolean skipHeader)
    implements Serializable {

    /** Whether this block holds the file's first line. */
    public boolean first() {
        return from == 0;
    }
}
