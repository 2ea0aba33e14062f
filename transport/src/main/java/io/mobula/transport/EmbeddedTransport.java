package io.mobula.transport;

import java.nio.file.Files;
import java.nio.file.Path;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;

/**
 * An Aeron media driver owned by one process, and its client: what a node (or a standalone driver
 * process) starts so its streams exist. One directory per instance under /dev/shm, removed at close,
 * so several can run in one machine or one JVM (tests).
 */
public final class EmbeddedTransport implements AutoCloseable {
    private final MediaDriver driver;
    private final Aeron aeron;

    public EmbeddedTransport() {
        Path base = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
        String dir = base.resolve("mobula-aeron-" + ProcessHandle.current().pid() + "-" + Long.toHexString(System.nanoTime()))
            .toString();
        this.driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
            .aeronDirectoryName(dir)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(Idle.backoff())
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        this.aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
    }

    public Aeron aeron() {
        return aeron;
    }

    public String directory() {
        return driver.aeronDirectoryName();
    }

    @Override
    public void close() {
        aeron.close();
        driver.close();
    }
}
