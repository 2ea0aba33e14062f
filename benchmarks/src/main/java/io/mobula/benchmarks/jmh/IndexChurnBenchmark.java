package io.mobula.benchmarks.jmh;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import io.mobula.benchmarks.store.IndexChurn;

/**
 * Create + get latency of the shared arena, fresh and after many create/delete cycles: with the
 * index compacted as objects go, the two should match. {@code cycles} is how many cycles run
 * before measuring (0: a fresh arena); the figure to compare is {@code -p cycles=0,100000000}
 * (the 100 M cycles take minutes of set-up).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class IndexChurnBenchmark extends MobulaJmh {
    @Param({"0", "1000000"})
    public long cycles;

    private IndexChurn churn;

    @Setup
    public void setUp() {
        churn = new IndexChurn(64L << 20, 31);
        churn.churn(cycles);
    }

    @TearDown
    public void tearDown() {
        churn.close();
    }

    @Benchmark
    public long createGetDelete() {
        return churn.createGetDelete();
    }

    @Benchmark
    public boolean missLookup() {
        return churn.miss();
    }
}
