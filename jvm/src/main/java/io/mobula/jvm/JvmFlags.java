package io.mobula.jvm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The flags every Mobula JVM is started with: the list in {@code jvm.flags} at the root of the tree,
 * which the build copies into this module's jar. The launcher and the build's test JVMs read the
 * same file, so a JVM Mobula starts gets exactly the flags its own JVM was started with, whether
 * it runs from the tree or from jars.
 */
public final class JvmFlags {
    private static final String RESOURCE = "jvm.flags";

    private JvmFlags() {
    }

    /**
     * Every flag, in the list's order, one JVM argument each (as the JVM reports them in
     * {@code RuntimeMXBean.getInputArguments()}). Reads the resource on each call: callers are about
     * to start a process, which costs far more.
     *
     * @throws IllegalStateException when the list is not on the class path (a jar not built by
     *         Mobula's build) or holds a line that is not one JVM argument
     */
    public static List<String> all() {
        try (InputStream in = JvmFlags.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not next to " + JvmFlags.class.getName()
                    + " on the class path; the build copies it from the root of the tree into mobula-jvm's jar,"
                    + " so build mobula-jvm with Maven rather than compiling it alone");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE + " from the class path", e);
        }
    }

    /** The flags of {@code text}: one per line; blank lines and lines starting with # skipped. */
    static List<String> parse(String text) {
        List<String> flags = text.lines().map(String::strip)
            .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        for (String flag : flags) {
            // The launcher passes each line as one argument; "--add-opens x=y" would reach the JVM as
            // one unknown option, so the two-word form is refused here, where a test sees it.
            if (!flag.startsWith("-") || flag.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalStateException(RESOURCE + ": '" + flag + "' is not one JVM argument;"
                    + " write an option and its value as one word (--add-opens=module/package=target)");
            }
        }
        return flags;
    }
}
