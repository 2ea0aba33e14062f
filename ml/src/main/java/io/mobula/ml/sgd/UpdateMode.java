package io.mobula.ml.sgd;

import java.util.Locale;

/** How workers' gradients meet the parameter server's weights. */
public enum UpdateMode {
    /**
     * A barrier per step: every worker computes its gradient at the same weights; the server
     * applies their mean once all have arrived, and only then hands out the next step's weights.
     * Deterministic for a seed (the mean is summed in worker order).
     */
    SYNC,
    /**
     * No barrier: the server applies each gradient as it arrives, and that worker at once pulls
     * the newest weights for its next step, so gradients may be a few updates stale (Hogwild-style
     * staleness, but every update is applied whole, one at a time, by the actor).
     */
    ASYNC;

    /** {@code sync} or {@code async}, any case. */
    public static UpdateMode parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "sync" -> SYNC;
            case "async" -> ASYNC;
            default -> throw new IllegalArgumentException("--mode must be sync or async, got '" + text + "'");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
