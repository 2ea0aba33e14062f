package io.mobula.command;

import java.util.List;

/** Reading command-line flags, with the one-line errors every command gives for bad ones. */
public final class Flags {
    private Flags() {
    }

    /** The value after {@code flag} at position {@code i}. */
    public static String value(List<String> args, int i, String flag) throws UsageException {
        if (i >= args.size()) {
            throw new UsageException(flag + " needs a value");
        }
        return args.get(i);
    }

    /** A whole number above zero. */
    public static long positive(String text, String flag) throws UsageException {
        try {
            long value = Long.parseLong(text);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(flag + " must be a positive whole number, got '" + text + "'");
    }

    /** A port, 1..65535. */
    public static int port(String text, String flag) throws UsageException {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(flag + " must be 1..65535, got '" + text + "'");
    }
}
