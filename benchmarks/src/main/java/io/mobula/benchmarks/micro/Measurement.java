package io.mobula.benchmarks.micro;

/**
 * One case's result.
 *
 * @param value        ops/s or GB/s on the embedded node; NaN when not measured.
 * @param memcpyGbps   for GB/s cases, a bare {@code MemorySegment.copy} of the same bytes into
 *                     touched native memory, in the same run; NaN otherwise.
 */
record Measurement(MicroCase microCase, double value, double memcpyGbps, boolean connected) {
    Measurement(MicroCase microCase, double value, double memcpyGbps) {
        this(microCase, value, memcpyGbps, false);
    }

    boolean measured() {
        return !Double.isNaN(value);
    }

    double rayRatio() {
        return value / microCase.rayFigure();
    }

    double memcpyRatio() {
        return value / memcpyGbps;
    }

    /** @return true, false, or null where the case has no target. */
    Boolean metTarget() {
        if (!measured()) {
            return null;
        }
        if (microCase.gigabytes()) {
            return memcpyRatio() >= 0.80;
        }
        double target = connected ? microCase.connectedTarget() : microCase.embeddedTarget();
        return Double.isNaN(target) ? null : value >= target;
    }
}
