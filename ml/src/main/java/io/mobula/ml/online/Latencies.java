package io.mobula.ml.online;

import java.util.Arrays;

/** Latency samples in nanoseconds, one writer at a time; percentiles by sorting a copy. */
public final class Latencies {
    private long[] samples = new long[1024];
    private int count;

    public void add(long nanos) {
        if (count == samples.length) {
            samples = Arrays.copyOf(samples, count * 2);
        }
        samples[count++] = nanos;
    }

    public void addAll(Latencies other) {
        for (int i = 0; i < other.count; i++) {
            add(other.samples[i]);
        }
    }

    public int count() {
        return count;
    }

    /**
     * The {@code p}-th percentile (0 < p <= 100) by the nearest-rank method, in milliseconds.
     *
     * @return {@code NaN} when there are no samples.
     */
    public double percentileMillis(double p) {
        if (count == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * count);
        return sorted[Math.clamp(rank - 1, 0, count - 1)] / 1e6;
    }
}
