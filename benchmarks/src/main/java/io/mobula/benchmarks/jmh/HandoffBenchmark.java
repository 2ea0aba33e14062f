package io.mobula.benchmarks.jmh;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import com.lmax.disruptor.util.DaemonThreadFactory;

import io.mobula.Mobula;
import io.mobula.NodeContext;
import io.mobula.ObjectRef;

/**
 * Pipelined hand-off to another thread: a batch of tasks through Mobula (submit all, then get all)
 * against the bound, an empty Disruptor hand-off of the same number of events to a consumer that
 * does nothing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HandoffBenchmark extends MobulaJmh {
    private static final int BATCH = 10_000;

    static final class Slot {
        long value;
    }

    private Mobula mobula;
    private Disruptor<Slot> disruptor;
    private RingBuffer<Slot> ring;
    private volatile long consumed;

    static int one() {
        return 1;
    }

    @Setup
    public void setUp() {
        mobula = Mobula.init(new NodeContext().storeCapacityBytes(256L << 20));
        disruptor = new Disruptor<>(Slot::new, 1 << 14, DaemonThreadFactory.INSTANCE, ProducerType.MULTI, new BusySpinWaitStrategy());
        disruptor.handleEventsWith((slot, sequence, endOfBatch) -> consumed = sequence);
        ring = disruptor.start();
    }

    @TearDown
    public void tearDown() {
        mobula.close();
        disruptor.halt();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    @SuppressWarnings("unchecked")
    public long mobulaTasksPipelined() {
        ObjectRef<Integer>[] refs = new ObjectRef[BATCH];
        for (int i = 0; i < BATCH; i++) {
            refs[i] = mobula.task(HandoffBenchmark::one).remote();
        }
        long sum = 0;
        for (ObjectRef<Integer> ref : refs) {
            sum += ref.get();
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long baselineEmptyDisruptorHandoff() {
        long last = 0;
        for (int i = 0; i < BATCH; i++) {
            long sequence = ring.next();
            ring.get(sequence).value = i;
            ring.publish(sequence);
            last = sequence;
        }
        while (consumed < last) {
            Thread.onSpinWait();
        }
        return last;
    }
}
