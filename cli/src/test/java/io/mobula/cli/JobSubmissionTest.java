package io.mobula.cli;

import io.mobula.command.CliCommand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.mobula.transport.AeronChannels;

/**
 * {@code mobula submit}: a program whose classes no node has (compiled here, into a jar of its own)
 * runs as a driver; its tasks and an actor run on a head and on a second node that keeps its jars
 * apart, so that node must fetch the job's jar from the head before it can run the job's work.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class JobSubmissionTest {
    private static final String PROGRAM = """
        package job;

        import io.mobula.ActorHandle;
        import io.mobula.Mobula;
        import io.mobula.ObjectRef;
        import io.mobula.SchedulingStrategy;
        import java.util.ArrayList;
        import java.util.List;
        import java.util.Set;
        import java.util.TreeSet;

        public class WordStats {
            public record Count(String word, int letters) {
            }

            public static class Greeter {
                private final String prefix;

                public Greeter(String prefix) {
                    this.prefix = prefix;
                }

                public String greet(String name) {
                    return prefix + name;
                }
            }

            static Count count(String word) {
                return new Count(word, word.length());
            }

            static long where() {
                return ProcessHandle.current().pid();
            }

            public static void main(String[] args) throws Exception {
                if (args.length == 1 && args[0].equals("halt")) {
                    // a driver that dies mid-job, holding an actor on the second node
                    Mobula mobula = Mobula.init();
                    ActorHandle<Greeter> held = mobula.actor(Greeter::new, "held ").resources("CPU", 2.0).remote();
                    System.out.println(held.task(Greeter::greet, "until halt").remote().get());
                    Runtime.getRuntime().halt(9);
                }
                try (Mobula mobula = Mobula.init()) {
                    List<ObjectRef<Count>> counts = new ArrayList<>();
                    for (String word : args) {
                        counts.add(mobula.task(WordStats::count, word).scheduling(SchedulingStrategy.spread()).remote());
                    }
                    for (ObjectRef<Count> count : counts) {
                        System.out.println(count.get().word() + "=" + count.get().letters());
                    }
                    Set<Long> nodes = new TreeSet<>();
                    for (int i = 0; i < 6; i++) {
                        nodes.add(mobula.task(WordStats::where).scheduling(SchedulingStrategy.spread()).remote().get());
                    }
                    System.out.println("nodes=" + nodes.size());
                    ActorHandle<Greeter> greeter = mobula.actor(Greeter::new, "hello ").resources("CPU", 2.0).remote();
                    System.out.println(greeter.task(Greeter::greet, "job").remote().get());
                }
                System.exit(args.length == 0 ? 3 : 0);
            }
        }
        """;

    @TempDir
    Path work;
    private String previousHome;

    private static int cli(PrintStream out, String... args) {
        return new MobulaCli(ServiceLoader.load(CliCommand.class)).run(List.of(args), out, out);
    }

    private static PrintStream sink(OutputStream to) {
        return new PrintStream(to, true, StandardCharsets.UTF_8);
    }

    @AfterEach
    void stopBoth() {
        for (String home : List.of("head-home", "node-home")) {
            System.setProperty("mobula.home", work.resolve(home).toString());
            cli(sink(OutputStream.nullOutputStream()), "stop");
        }
        if (previousHome == null) {
            System.clearProperty("mobula.home");
        } else {
            System.setProperty("mobula.home", previousHome);
        }
    }

    @Test
    void aProgramNoNodeHasRunsFromItsJarOnEveryNode() throws Exception {
        previousHome = System.getProperty("mobula.home");
        Path jar = compileProgram();
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        System.setProperty("mobula.home", work.resolve("head-home").toString());
        int port = AeronChannels.freeUdpPort();
        String head = "127.0.0.1:" + port;
        assertEquals(0, cli(sink(log), "start", "--head", "--port", Integer.toString(port), "--resources", "{\"CPU\":1}"), log.toString());
        // the second node keeps its own state (and jars) apart, as another host would
        Files.createDirectories(work.resolve("node-home"));
        Files.copy(work.resolve("head-home/cluster.secret"), work.resolve("node-home/cluster.secret"));
        System.setProperty("mobula.home", work.resolve("node-home").toString());
        assertEquals(0, cli(sink(log), "start", "--address", head, "--resources", "{\"CPU\":2}"), log.toString());
        System.setProperty("mobula.home", work.resolve("head-home").toString());
        awaitNodes(head, 2);

        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int status = cli(sink(output), "submit", "--address", head, "--jar", jar.toString(), "--class", "job.WordStats",
            "alpha", "be", "gamma");
        String printed = output.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, printed);
        assertTrue(printed.contains("alpha=5\nbe=2\ngamma=5\n"), printed);
        assertTrue(printed.contains("nodes=2"), "the job's tasks ran on both nodes: " + printed);
        assertTrue(printed.contains("hello job"), "the actor (2 CPUs: only the second node fits) ran: " + printed);
        try (Stream<Path> fetched = Files.list(work.resolve("node-home/jars"))) {
            assertEquals(1, fetched.filter(p -> p.toString().endsWith(".jar")).count(), "the second node fetched the jar once");
        }

        // a driver killed mid-job: the actor it held goes with it (after the transport notices), the
        // cluster keeps serving, and the next job gets the CPUs that actor held
        ByteArrayOutputStream halted = new ByteArrayOutputStream();
        assertEquals(9, cli(sink(halted), "submit", "--address", head, "--jar", jar.toString(), "--class", "job.WordStats",
            "halt"), halted.toString());
        assertTrue(halted.toString().contains("held until halt"), halted.toString());
        ByteArrayOutputStream after = new ByteArrayOutputStream();
        assertEquals(0, cli(sink(after), "submit", "--address", head, "--jar", jar.toString(), "--class", "job.WordStats",
            "delta"), after.toString());
        assertTrue(after.toString().contains("delta=5") && after.toString().contains("hello job"), after.toString());

        ByteArrayOutputStream second = new ByteArrayOutputStream();
        assertEquals(3, cli(sink(second), "submit", "--address", head, "--jar", jar.toString(), "--class", "job.WordStats"),
            "the program's exit status is the command's: " + second);

        ByteArrayOutputStream usage = new ByteArrayOutputStream();
        assertNotEquals(0, cli(sink(usage), "submit", "--address", head, "--jar", jar.toString()));
        assertTrue(usage.toString().contains("--class"), usage.toString());
        assertNotEquals(0, cli(sink(usage), "submit", "--address", head, "--jar", work.resolve("none.jar").toString(),
            "--class", "x.Y"));
        assertTrue(usage.toString().contains("not a readable file"), usage.toString());
    }

    private static void awaitNodes(String head, int count) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            ByteArrayOutputStream status = new ByteArrayOutputStream();
            cli(sink(status), "status", "--json");
            if (status.toString().split("\"alive\": true").length - 1 >= count) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the second node did not join " + head);
    }

    /** The program above, compiled against this class path and put in a jar of its own. */
    private Path compileProgram() throws Exception {
        Path sources = Files.createDirectories(work.resolve("src/job"));
        Files.writeString(sources.resolve("WordStats.java"), PROGRAM);
        Path classes = Files.createDirectories(work.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertFalse(javac == null, "tests run on a JDK");
        int compiled = javac.run(null, null, null, "-cp", System.getProperty("java.class.path"), "-d", classes.toString(),
            sources.resolve("WordStats.java").toString());
        assertEquals(0, compiled);
        Path jar = work.resolve("word-stats.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(file));
                out.closeEntry();
            }
        }
        return jar;
    }
}
