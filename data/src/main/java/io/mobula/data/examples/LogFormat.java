package io.mobula.data.examples;

import java.util.Optional;

/**
 * Where the level (or, for an access log, the status) and the message sit in a line of each log
 * format. Lines are split into fields
 * on runs of whitespace; a line is selected by the value of its level field, never by a prefix
 * or a substring, so a message that merely mentions "ERROR" is not taken for one.
 */
public enum LogFormat {
    /**
     * OpenStack (oslo.log): {@code date time pid LEVEL logger [request context] message}.
     * The level is field 4; the message follows the logger and the bracketed request context.
     */
    OSLO(4) {
        @Override
        public String message(String line) {
            String rest = Fields.after(line, 5);
            if (rest.startsWith("[")) {
                int close = rest.indexOf(']');
                rest = close < 0 ? rest : rest.substring(close + 1).stripLeading();
            }
            return rest;
        }

        @Override
        public boolean isRecord(String line) {
            return true;
        }
    },
    /**
     * Log4j as Kafka writes it: {@code [date time] LEVEL message (logger)}. Only lines starting
     * with {@code [} are records (the rest continue a multi-line record and have no level); the
     * level is field 3; the message runs to the trailing {@code (logger)}.
     */
    LOG4J(3) {
        @Override
        public String message(String line) {
            String rest = Fields.after(line, 3);
            int logger = rest.lastIndexOf(" (");
            return logger >= 0 && rest.endsWith(")") ? rest.substring(0, logger) : rest;
        }

        @Override
        public boolean isRecord(String line) {
            return line.startsWith("[");
        }
    },
    /**
     * Apache HTTP Server "combined" access log:
     * {@code client - - [dd/Mon/yyyy:HH:MM:SS +0000] "METHOD path HTTP/1.x" status bytes "referer" "agent"}.
     * The "level" is the HTTP status, field 9; the message is the request line.
     */
    ACCESS(9) {
        @Override
        public String message(String line) {
            int open = line.indexOf('"');
            int close = open < 0 ? -1 : line.indexOf('"', open + 1);
            return close < 0 ? "" : line.substring(open + 1, close);
        }

        @Override
        public boolean isRecord(String line) {
            return line.indexOf('"') > 0;
        }
    };

    private final int levelField;

    LogFormat(int levelField) {
        this.levelField = levelField;
    }

    /** The line's level, or null when the line has none (a continuation line, or too few fields). */
    public String level(String line) {
        return isRecord(line) ? Fields.nth(line, levelField) : null;
    }

    /** The message of a record line: the free text, without timestamp, level or logger. */
    public abstract String message(String line);

    /** Whether the line starts a record (continuation lines of a multi-line record do not). */
    public abstract boolean isRecord(String line);

    /**
     * The format of a log, told from its first line: {@code [date time] LEVEL ...} is Log4j,
     * {@code date time pid LEVEL ...} is OpenStack's, a line whose field 9 is a three-digit status
     * after a bracketed time and a quoted request is an access log.
     *
     * @return the format, or empty when the line is none of them (a licence file, say).
     */
    public static Optional<LogFormat> detect(String firstLine) {
        if (firstLine == null || firstLine.isBlank()) {
            return Optional.empty();
        }
        String level4 = Fields.nth(firstLine, 4);
        if (firstLine.startsWith("[") && isLevel(Fields.nth(firstLine, 3))) {
            return Optional.of(LOG4J);
        }
        if (firstLine.matches("\\d{4}-\\d{2}-\\d{2} .*") && isLevel(level4)) {
            return Optional.of(OSLO);
        }
        String status = Fields.nth(firstLine, 9);
        if (firstLine.contains(" [") && firstLine.contains("\"") && status != null && status.matches("\\d{3}")) {
            return Optional.of(ACCESS);
        }
        return Optional.empty();
    }

    private static boolean isLevel(String field) {
        return field != null && LEVELS.contains(field);
    }

    private static final java.util.Set<String> LEVELS =
        java.util.Set.of("TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "CRITICAL", "FATAL", "AUDIT");

    /** Splitting a line on runs of whitespace, counting fields from 1. */
    static final class Fields {
        private Fields() {
        }

        /** Field {@code n}, or null when the line has fewer fields. */
        static String nth(String line, int n) {
            String[] fields = line.strip().split("\\s+", n + 1);
            return fields.length >= n && !fields[n - 1].isEmpty() ? fields[n - 1] : null;
        }

        /** Everything after field {@code n} and the whitespace following it; empty when nothing follows. */
        static String after(String line, int n) {
            String[] fields = line.strip().split("\\s+", n + 1);
            return fields.length > n ? fields[n] : "";
        }
    }
}
