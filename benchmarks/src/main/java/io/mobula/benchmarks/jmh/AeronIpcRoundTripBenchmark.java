package io.mobula.benchmarks.jmh;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.FragmentHandler;
import io.mobula.transport.AeronChannels;

/**
 * The bound for every message that will cross a process on one host: a raw Aeron IPC round trip
 * (32-byte ping, echoed back by another thread), with nothing of Mobula's on the path. The connected
 * driver's task round trip is measured against this.
 * <pre>
 *   bench thread --ipc stream 1001--> echo thread --ipc stream 1002--> bench thread
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AeronIpcRoundTripBenchmark extends MobulaJmh {
    private static final int PING_STREAM = 1001;
    private static final int PONG_STREAM = 1002;

    private MediaDriver driver;
    private Aeron aeron;
    private Publication ping;
    private Subscription pong;
    private Thread echo;
    private volatile boolean running;
    private final UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
    private int received;
    private final FragmentHandler onPong = (buffer, offset, length, header) -> received++;

    @Setup
    public void setUp() {
        driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
            .threadingMode(ThreadingMode.SHARED)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
        ping = aeron.addPublication(AeronChannels.IPC, PING_STREAM);
        pong = aeron.addSubscription(AeronChannels.IPC, PONG_STREAM);
        Subscription pings = aeron.addSubscription(AeronChannels.IPC, PING_STREAM);
        Publication pongs = aeron.addPublication(AeronChannels.IPC, PONG_STREAM);
        running = true;
        echo = new Thread(() -> {
            FragmentHandler reply = (buffer, offset, length, header) -> {
                while (pongs.offer(buffer, offset, length) < 0 && running) {
                    Thread.onSpinWait();
                }
            };
            while (running) {
                if (pings.poll(reply, 16) == 0) {
                    Thread.onSpinWait();
                }
            }
        }, "aeron-echo");
        echo.setDaemon(true);
        echo.start();
        while (!ping.isConnected() || !pong.isConnected()) {
            Thread.onSpinWait();
        }
    }

    @TearDown
    public void tearDown() throws InterruptedException {
        running = false;
        echo.join(1000);
        aeron.close();
        driver.close();
    }

    @Benchmark
    public int roundTrip() {
        while (ping.offer(message, 0, 32) < 0) {
            Thread.onSpinWait();
        }
        int before = received;
        while (received == before) {
            if (pong.poll(onPong, 1) == 0) {
                Thread.onSpinWait();
            }
        }
        return received;
    }
}
