package io.mobula.ml.data;

/**
 * A data file the training libraries cannot use: missing, empty, a row that does not parse, a
 * label column that is not there. The message names the file, the line (1-based, when one line is
 * at fault), what is wrong and how to fix it.
 */
public final class DataFileException extends RuntimeException {
    private final String file;
    private final long line;

    public DataFileException(String file, long line, String problem, String fix) {
        this(file, line, problem, fix, null);
    }

    public DataFileException(String file, long line, String problem, String fix, Throwable cause) {
        super(file + (line > 0 ? ", line " + line : "") + ": " + problem + (fix == null ? "" : "; " + fix), cause);
        this.file = file;
        this.line = line;
    }

    /** The file, as the caller named it. */
    public String file() {
        return file;
    }

    /** The 1-based line at fault, or 0 when the fault is the whole file. */
    public long line() {
        return line;
    }
}
