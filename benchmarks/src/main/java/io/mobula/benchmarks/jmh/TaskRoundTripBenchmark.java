package io.mobula.benchmarks.jmh;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import io.mobula.Mobula;
import io.mobula.NodeContext;
import io.mobula.ObjectRef;

/**
 * One task submitted and waited for, against the bound that frames it: a bare
 * {@code ThreadPoolExecutor} submit-and-get on the same machine.
 * <pre>
 *   caller --ring--> scheduler --slot--> worker --entry--> caller     (Mobula)
 *   caller --queue--> pool thread --future--> caller                  (baseline)
 * </pre>
 * Run: {@code java -cp ... io.mobula.benchmarks.jmh.MobulaJmh TaskRoundTrip}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TaskRoundTripBenchmark extends MobulaJmh {
    private Mobula mobula;
    private ExecutorService pool;
    private ObjectRef<Integer> small;

    static int one() {
        return 1;
    }

    @Setup
    public void setUp() {
        mobula = Mobula.init(new NodeContext().storeCapacityBytes(256L << 20));
        pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        small = mobula.put(1);
    }

    @TearDown
    public void tearDown() {
        mobula.close();
        pool.shutdownNow();
    }

    @Benchmark
    public int mobulaTaskSync() {
        return mobula.task(TaskRoundTripBenchmark::one).remote().get();
    }

    @Benchmark
    public int baselineExecutorSubmitGet() throws Exception {
        return pool.submit(TaskRoundTripBenchmark::one).get();
    }

    @Benchmark
    public ObjectRef<Integer> mobulaPutSmall() {
        return mobula.put(1);
    }

    @Benchmark
    public int mobulaGetSmall() {
        return small.get();
    }
}
