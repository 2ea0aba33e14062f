package io.mobula.ml.cli;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.mobula.command.Flags;
import io.mobula.command.UsageException;

/**
 * The flags of one {@code mobula run} program: {@code --name value} pairs and bare switches, each
 * known in advance, read once. Unknown flags, missing values and values of the wrong kind are
 * {@link UsageException}s naming the flag and what it takes.
 */
final class ProgramFlags {
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> switches = new HashSet<>();

    private ProgramFlags() {
    }

    /**
     * @param valued   the flags that take a value, e.g. {@code --epochs}.
     * @param switches the flags that take none, e.g. {@code --skip-header}.
     */
    static ProgramFlags parse(List<String> args, Set<String> valued, Set<String> switches) throws UsageException {
        ProgramFlags flags = new ProgramFlags();
        for (int i = 0; i < args.size(); i++) {
            String flag = args.get(i);
            if (switches.contains(flag)) {
                flags.switches.add(flag);
            } else if (valued.contains(flag)) {
                flags.values.put(flag, Flags.value(args, ++i, flag));
            } else {
                throw new UsageException("unknown flag '" + flag + "'");
            }
        }
        return flags;
    }

    boolean has(String flag) {
        return switches.contains(flag) || values.containsKey(flag);
    }

    String text(String flag, String fallback) {
        return values.getOrDefault(flag, fallback);
    }

    int positiveInt(String flag, int fallback) throws UsageException {
        String text = values.get(flag);
        if (text == null) {
            return fallback;
        }
        long value = Flags.positive(text, flag);
        if (value > Integer.MAX_VALUE) {
            throw new UsageException(flag + " is too large: " + text);
        }
        return (int) value;
    }

    long whole(String flag, long fallback) throws UsageException {
        String text = values.get(flag);
        if (text == null) {
            return fallback;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new UsageException(flag + " must be a whole number, got '" + text + "'");
        }
    }

    /** A finite number, at least {@code min} (and above it when {@code minExclusive}). */
    double number(String flag, double fallback, double min, boolean minExclusive) throws UsageException {
        String text = values.get(flag);
        if (text == null) {
            return fallback;
        }
        try {
            double value = Double.parseDouble(text);
            if (Double.isFinite(value) && (minExclusive ? value > min : value >= min)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(String.format(Locale.ROOT, "%s must be a number %s %s, got '%s'", flag, minExclusive ? ">" : ">=",
            min == 0 ? "0" : Double.toString(min), text));
    }
}
