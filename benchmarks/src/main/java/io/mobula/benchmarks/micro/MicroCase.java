package io.mobula.benchmarks.micro;

/**
 * One case of the microbenchmark suite, under Ray's name.
 *
 * @param name            Ray's case name.
 * @param unit            "ops/s", or "GB/s" for the gigabytes cases.
 * @param rayFigure       Ray 2.37's published figure (m5.16xlarge, 64 vCPU), or NaN if none.
 * @param embeddedTarget  the target on a 2-core machine, or NaN if none is set.
 * @param note            what one operation is, where it differs from the obvious.
 * @param setup           prepares the case (actors, arrays; not timed) and returns its trial, or
 *                        null when the case does not apply to this node yet.
 */
record MicroCase(String name, String unit, double rayFigure, double embeddedTarget, String note, Setup setup,
                 double connectedTarget, boolean connected) {
    /** A case measured on an embedded node only. */
    MicroCase(String name, String unit, double rayFigure, double embeddedTarget, String note, Setup setup) {
        this(name, unit, rayFigure, embeddedTarget, note, setup, Double.NaN, false);
    }

    /** The same case also measured through a connected driver (a node in another process). */
    MicroCase alsoConnected(double target) {
        return new MicroCase(name, unit, rayFigure, embeddedTarget, note, setup, target, true);
    }

    boolean gigabytes() {
        return "GB/s".equals(unit);
    }

    /** Prepares a case. */
    @FunctionalInterface
    interface Setup {
        Trial prepare(SuiteContext context) throws Exception;
    }

    /** A batch of operations against a running node. */
    @FunctionalInterface
    interface Trial {
        /** @return the operations done (or bytes moved, for a GB/s case). */
        long run(SuiteContext context) throws Exception;
    }
}
