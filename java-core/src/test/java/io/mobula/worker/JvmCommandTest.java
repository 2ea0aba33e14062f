package io.mobula.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mobula.jvm.JvmFlags;

/** The JVMs JvmCommand starts have every flag of the one list, whatever this JVM was started with. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JvmCommandTest {
    /** What a JVM started by JvmCommand was started with, one input argument a line. */
    public static final class PrintInputArguments {
        public static void main(String[] args) {
            ManagementFactory.getRuntimeMXBean().getInputArguments().forEach(System.out::println);
        }
    }

    @Test
    void aJvmStartedWithoutTheFlagsGivesEveryOneToTheJvmsItStarts() {
        List<String> command = JvmCommand.startedWith(List.of(), "Main", "classes", List.of(), List.of("arg"));
        List<String> jvmArguments = command.subList(1, command.indexOf("-cp"));
        assertEquals(JvmFlags.all(), jvmArguments);
        assertEquals(List.of("-cp", "classes", "Main", "arg"), command.subList(command.indexOf("-cp"), command.size()));
    }

    @Test
    void aFlagThisJvmWasStartedWithIsGivenOnceAlongWithItsOtherOptions() {
        List<String> inherited = new ArrayList<>(JvmFlags.all());
        inherited.add("-Xmx1g");
        List<String> command = JvmCommand.startedWith(inherited, "Main", "classes", List.of("-Dmobula.extra=1"), List.of());
        for (String flag : JvmFlags.all()) {
            assertEquals(1, Collections.frequency(command, flag), () -> flag + " in " + command);
        }
        assertTrue(command.containsAll(List.of("-Xmx1g", "-Dmobula.extra=1")), command::toString);
    }

    @Test
    void aStartedJvmRunsWithEveryFlag() throws Exception {
        Process process = new ProcessBuilder(JvmCommand.of(PrintInputArguments.class, List.of()))
            .redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), out);
        List<String> started = Arrays.asList(out.split("\\R"));
        List<String> missing = JvmFlags.all().stream().filter(flag -> !started.contains(flag)).toList();
        assertEquals(List.of(), missing, out);
    }
}
