package io.mobula.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;

/**
 * An Aeron media driver owned by one process, and its client: what a node (or a standalone driver
 * process) starts so its streams exist. One directory per instance under /dev/shm, removed at close,
 * so several can run in one machine or one JVM (tests).
 * <p>
 * The driver's folder (its control file and every stream's buffers) sits inside a folder only this
 * user may enter, made so before anything is in it: Aeron makes its own folder with the process's
 * umask, readable by every local user, and other users must not read or write the streams.
 */
public final class EmbeddedTransport implements AutoCloseable {
    private final Path home;
    private final MediaDriver driver;
    private final Aeron aeron;

    public EmbeddedTransport() {
        Path base = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
        this.home = base.resolve("mobula-aeron-" + ProcessHandle.current().pid() + "-" + Long.toHexString(System.nanoTime()));
        try {
            Files.createDirectory(home, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the transport's folder " + home + ": " + e.getMessage()
                + "; check that " + base + " exists and is writable", e);
        }
        String dir = home.resolve("driver").toString();
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
        driver.close(); // deletes the driver's folder
        try {
            Files.deleteIfExists(home);
        } catch (IOException e) {
            // not empty: a file someone else put there; the next node's sweep of dead owners removes it
        }
    }
}
