package io.mobula.examples;

import java.util.Locale;

/** Formats elapsed times the same way everywhere in the examples' output. */
final class Durations {
    private Durations() {
    }

    /** Nanoseconds as seconds with three decimals, e.g. {@code "1.503 s"}. */
    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
    }
}
