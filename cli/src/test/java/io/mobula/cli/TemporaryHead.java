package io.mobula.cli;

import java.nio.file.Path;

import io.mobula.transport.AeronChannels;

/**
 * A head node started for a test, as {@code mobula start --head} starts one, with this JVM's state
 * directory pointed at a temporary folder for as long as it runs; closing stops it and points the
 * state directory back.
 */
public final class TemporaryHead implements AutoCloseable {
    private final String previousHome;
    private final int port;

    private TemporaryHead(String previousHome, int port) {
        this.previousHome = previousHome;
        this.port = port;
    }

    /** @throws IllegalStateException if the head does not start (what it printed says why). */
    public static TemporaryHead start(Path home, String resources) {
        String previous = System.getProperty("mobula.home");
        System.setProperty("mobula.home", home.toString());
        int port = AeronChannels.freeUdpPort();
        Cli.Result started = Cli.run("start", "--head", "--port", Integer.toString(port), "--resources", resources);
        TemporaryHead head = new TemporaryHead(previous, port);
        if (started.code() != 0) {
            head.close();
            throw new IllegalStateException("the head did not start:\n" + started.output());
        }
        return head;
    }

    public int port() {
        return port;
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() {
        Cli.code("stop");
        if (previousHome == null) {
            System.clearProperty("mobula.home");
        } else {
            System.setProperty("mobula.home", previousHome);
        }
    }
}
