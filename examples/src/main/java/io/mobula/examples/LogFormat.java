package io.mobula.examples;

/**
 * Where the level and the message sit in a line of each leveled log. Lines are split into fields
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
        String message(String line) {
            String rest = Fields.after(line, 5);
            if (rest.startsWith("[")) {
                int close = rest.indexOf(']');
                rest = close < 0 ? rest : rest.substring(close + 1).stripLeading();
            }
            return rest;
        }

        @Override
        boolean isRecord(String line) {
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
        String message(String line) {
            String rest = Fields.after(line, 3);
            int logger = rest.lastIndexOf(" (");
            return logger >= 0 && rest.endsWith(")") ? rest.substring(0, logger) : rest;
        }

        @Override
        boolean isRecord(String line) {
            return line.startsWith("[");
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
    abstract String message(String line);

    abstract boolean isRecord(String line);

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
