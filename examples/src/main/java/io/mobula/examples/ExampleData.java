package io.mobula.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads the data files shipped under {@code data/} on the class path: the arrays in this module's
 * jar, the text and the logs in mobula-data's (which the data library's programs read too). They are read from the
 * class path rather than from a folder so the examples run the same from any clone or jar, and
 * so a task on a worker finds the same bytes as the driver.
 */
public final class ExampleData {
    public static final String SHAKESPEARE = "data/text/tinyshakespeare.txt";
    public static final String NOVA_CONDUCTOR_LOG = "data/logs/nova-conductor.log";
    public static final String KAFKA_SERVER_LOG = "data/logs/kafka1-server.log.2016-12-19-19";
    public static final String ARRAY_A = "data/arrays/a.bin";
    public static final String ARRAY_B = "data/arrays/b.bin";

    private ExampleData() {
    }

    /** Opens a resource; the caller closes the stream. */
    public static InputStream open(String path) {
        InputStream in = ExampleData.class.getClassLoader().getResourceAsStream(path);
        if (in == null) {
            throw new IllegalStateException("data file '" + path + "' is not on the class path; are the jars (or "
                + "target/classes) of mobula-examples and mobula-data on it?");
        }
        return in;
    }

    /** The whole resource as text (the shipped files are ASCII, a subset of UTF-8). */
    public static String text(String path) {
        try (InputStream in = open(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read data file '" + path + "'", e);
        }
    }

    /** The resource's lines, without their line terminators. */
    public static List<String> lines(String path) {
        return text(path).lines().toList();
    }
}
