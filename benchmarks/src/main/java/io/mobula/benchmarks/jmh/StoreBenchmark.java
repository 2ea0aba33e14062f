package io.mobula.benchmarks.jmh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import io.mobula.store.InProcessObjectStore;
import io.mobula.store.ObjectBuilder;
import io.mobula.store.ObjectId;
import io.mobula.store.ObjectStore;
import io.mobula.store.ObjectView;
import io.mobula.store.StoreContext;

/**
 * The store's own cost (index, allocator, pins) around a 1 MiB object: create, fill, seal, get,
 * release, delete, against the bare copy that fills it. The difference is what the store adds.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StoreBenchmark extends MobulaJmh {
    private static final int BYTES = 1 << 20;

    private ObjectStore store;
    private MemorySegment source;
    private MemorySegment target;
    private long next;

    @Setup
    public void setUp() {
        store = new InProcessObjectStore(new StoreContext().capacityBytes(64L << 20));
        source = Arena.ofAuto().allocate(BYTES, 64);
        target = Arena.ofAuto().allocate(BYTES, 64);
    }

    @TearDown
    public void tearDown() {
        store.close();
    }

    @Benchmark
    public long createSealGetDelete() {
        ObjectId id = new ObjectId(1, ++next);
        ObjectBuilder builder = store.create(id, BYTES, 1);
        MemorySegment.copy(source, 0, builder.data(), 0, BYTES);
        builder.seal();
        long size;
        try (ObjectView view = store.get(id, 0)) {
            size = view.data().byteSize();
        }
        store.delete(id);
        return size;
    }

    @Benchmark
    public long baselineBareCopy() {
        MemorySegment.copy(source, 0, target, 0, BYTES);
        return target.byteSize();
    }
}
