package io.mobula.benchmarks.jmh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import io.mobula.store.codec.EncodedValue;
import io.mobula.store.codec.ValueCodec;

/**
 * The serializer: a 1 MiB {@code double[]} through the raw path (encode, copy into native memory,
 * decode) against a bare {@code MemorySegment.copy} of the same bytes both ways, and a small object
 * graph through Fory.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark extends MobulaJmh {
    private static final int BYTES = 1 << 20;

    private final ValueCodec codec = new ValueCodec(getClass().getClassLoader(), List.of());
    private double[] array;
    private MemorySegment nativeCopy;
    private Map<String, Object> graph;

    @Setup
    public void setUp() {
        array = new double[BYTES / Double.BYTES];
        java.util.Arrays.fill(array, 2.5);
        nativeCopy = Arena.ofAuto().allocate(BYTES, 64);
        graph = Map.of("name", "weights", "shape", List.of(3, 4), "step", 17L);
    }

    @Benchmark
    public double[] rawArrayThroughCodec() {
        EncodedValue encoded = codec.encode(array, null);
        MemorySegment.copy(encoded.bytes(), 0, nativeCopy, 0, encoded.size());
        return (double[]) codec.decode(encoded.kind(), nativeCopy);
    }

    @Benchmark
    public double[] baselineBareCopyBothWays() {
        MemorySegment.copy(MemorySegment.ofArray(array), 0, nativeCopy, 0, BYTES);
        double[] back = new double[BYTES / Double.BYTES];
        MemorySegment.copy(nativeCopy, 0, MemorySegment.ofArray(back), 0, BYTES);
        return back;
    }

    @Benchmark
    public Object smallGraphThroughFory() {
        EncodedValue encoded = codec.encode(graph, null);
        return codec.decode(encoded.kind(), encoded.bytes());
    }
}
