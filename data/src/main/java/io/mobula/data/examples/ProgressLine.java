package io.mobula.data.examples;

import java.io.PrintStream;
import java.util.Locale;

import io.mobula.data.Dataset;

/**
 * The progress line of long work, on the error stream: shown once a phase has run for half a
 * second, rewritten in place ({@code \r}) at most ten times a second, ended with a newline when
 * the phase completes. Short phases print nothing.
 */
final class ProgressLine implements Dataset.ProgressListener {
    private static final long QUIET_NS = 500_000_000L;
    private static final long EVERY_NS = 100_000_000L;

    private final PrintStream err;
    private final String label;
    private String phase;
    private long phaseStartNs;
    private long lastPrintNs;
    private boolean printed;

    ProgressLine(PrintStream err, String label) {
        this.err = err;
        this.label = label;
    }

    @Override
    public void blocksDone(String phase, int done, int total) {
        long now = System.nanoTime();
        if (!phase.equals(this.phase) || done == 1) {
            this.phase = phase;
            phaseStartNs = now;
            printed = false;
        }
        boolean last = done == total;
        if ((now - phaseStartNs >= QUIET_NS && now - lastPrintNs >= EVERY_NS) || (last && printed)) {
            err.printf(Locale.ROOT, "\r%s: %-8s %d/%d blocks", label, phase, done, total);
            printed = true;
            lastPrintNs = now;
        }
        if (last && printed) {
            err.println();
            printed = false;
        }
        err.flush();
    }
}
