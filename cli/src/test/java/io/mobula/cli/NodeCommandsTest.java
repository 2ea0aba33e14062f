package io.mobula.cli;

import io.mobula.command.CliCommand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.mobula.transport.ClusterSecret;

/** {@code mobula start --head}, {@code status}, {@code stop} with a real node daemon process. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NodeCommandsTest {
    @TempDir
    Path home;
    private String previousHome;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void useTemporaryHome() {
        previousHome = System.getProperty("mobula.home");
        System.setProperty("mobula.home", home.toString());
    }

    @AfterEach
    void stopEverything() {
        run("stop");
        io.mobula.cluster.daemon.StaleFiles.removeDeadProcessFiles(Path.of("/dev/shm")); // the node killed with SIGKILL
        if (previousHome == null) {
            System.clearProperty("mobula.home");
        } else {
            System.setProperty("mobula.home", previousHome);
        }
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        return new MobulaCli(ServiceLoader.load(CliCommand.class)).run(List.of(args),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static int freePort() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aHeadStartsReportsItsStatusToHoldersOfTheSecretAndStops() throws Exception {
        int port = freePort();
        assertEquals(0, run("start", "--head", "--port", Integer.toString(port), "--resources", "{\"CPU\":3,\"camera\":2}"),
            err.toString());
        String started = out.toString();
        assertTrue(started.contains("127.0.0.1:" + port), started);
        Matcher pid = Pattern.compile("\\(pid (\\d+)\\)").matcher(started);
        assertTrue(pid.find(), started);
        long nodePid = Long.parseLong(pid.group(1));
        Path secret = home.resolve("cluster.secret");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));

        assertEquals(0, run("status", "--json"), err.toString());
        String json = out.toString();
        assertTrue(json.contains("\"pid\": " + nodePid) && json.contains("\"head\": true"), json);
        assertTrue(json.contains("\"CPU\": 3.0") && json.contains("\"camera\": 2.0"), json);
        assertTrue(json.contains("\"store\": {\"used\": 0"), json);
        assertTrue(json.contains("\"tasks\": {\"running\": 0, \"queued\": 0}, \"actors\": 0"), json);
        assertEquals(0, run("status"), err.toString());
        assertTrue(out.toString().contains("0 / 3"), out.toString());

        // Without the secret the node answers nothing: the status request is refused.
        Files.delete(secret);
        ClusterSecret.generate().writeTo(secret);
        assertEquals(1, run("status"));
        assertTrue(err.toString().contains("does not hold the cluster secret"), err.toString());

        assertEquals(0, run("stop"));
        assertEquals("Stopped 1 node.", out.toString().trim());
        assertFalse(ProcessHandle.of(nodePid).map(ProcessHandle::isAlive).orElse(false), "the node process is gone");
        assertEquals(0, run("status"));
        assertTrue(out.toString().startsWith("No nodes are running"), out.toString());
    }

    private static long pidIn(String started) {
        Matcher pid = Pattern.compile("\\(pid (\\d+)\\)").matcher(started);
        assertTrue(pid.find(), started);
        return Long.parseLong(pid.group(1));
    }

    private String statusUntil(String expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (run("status", "--json") == 0 && out.toString().contains(expected)) {
                return out.toString();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("status never showed " + expected + "; last: " + out + err);
    }

    @Test
    void nodesJoinTheHeadADeadOneIsDeclaredDeadAndARestartedHeadRemembers() throws Exception {
        int headPort = freePort();
        assertEquals(0, run("start", "--head", "--port", Integer.toString(headPort), "--dead-after-ms", "1500",
            "--resources", "{\"CPU\":2}"), err.toString());
        long headPid = pidIn(out.toString());
        assertEquals(0, run("start", "--address", "127.0.0.1:" + headPort, "--resources", "{\"CPU\":3,\"camera\":1}"),
            err.toString());
        long memberPid = pidIn(out.toString());

        String both = statusUntil("\"pid\": " + memberPid + ", \"head\": false, \"alive\": true");
        assertTrue(both.contains("\"pid\": " + headPid + ", \"head\": true"), both);
        assertTrue(both.contains("\"camera\": 1.0"), both);

        ProcessHandle.of(memberPid).orElseThrow().destroyForcibly(); // SIGKILL: no leave, just silence
        statusUntil("\"pid\": " + memberPid + ", \"head\": false, \"alive\": false");

        // The head restarts on the same port: its control log gives it the table back.
        ProcessHandle.of(headPid).orElseThrow().destroy();
        ProcessHandle.of(headPid).orElseThrow().onExit().get(20, TimeUnit.SECONDS);
        assertEquals(0, run("start", "--head", "--port", Integer.toString(headPort)), err.toString());
        String recovered = statusUntil("\"pid\": " + memberPid);
        assertTrue(recovered.contains("\"pid\": " + memberPid + ", \"head\": false, \"alive\": false"), recovered);
    }

    @Test
    void badStartsFailWithOneLineAndTheUsage() {
        assertEquals(2, run("start"));
        assertTrue(err.toString().contains("--head"), err.toString());
        assertEquals(2, run("start", "--head", "--port", "99999"));
        assertTrue(err.toString().contains("1..65535"), err.toString());
        assertEquals(2, run("start", "--head", "--resources", "{\"CPU\":x}"));
        assertTrue(err.toString().contains("cannot read resource"), err.toString());
        assertEquals(2, run("start", "--head", "--address", "127.0.0.1:6380"));
        assertTrue(err.toString().contains("either --head"), err.toString());
        assertEquals(2, run("start", "--address", "nohost"));
        assertTrue(err.toString().contains("HOST:PORT"), err.toString());
        assertEquals(2, run("status", "--bogus"));
        assertEquals(2, run("start", "--head", "--store-dir", home.resolve("no-such-folder").toString()));
        assertTrue(err.toString().contains("--store-dir") && err.toString().contains("is not a directory"), err.toString());
    }

    @Test
    void aNodeStartedWithAStoreDirKeepsItsObjectStoreThere() throws Exception {
        Path storeDir = Files.createDirectories(home.resolve("store"));
        assertEquals(0, run("start", "--head", "--port", Integer.toString(freePort()), "--store-dir", storeDir.toString()),
            err.toString());
        Matcher arena = Pattern.compile("object store: +(\\S+\\.arena)").matcher(out.toString());
        assertTrue(arena.find(), out.toString());
        Path file = Path.of(arena.group(1));
        assertEquals(storeDir.toRealPath(), file.getParent().toRealPath(), out.toString());
        assertTrue(Files.exists(file) && Files.exists(file.resolveSibling(file.getFileName().toString()
            .replace(".arena", ".control"))), "the arena's data and control files are in the folder");
        assertEquals(0, run("stop"));
        assertFalse(Files.exists(file), "a stopped node's arena is gone");
    }
}
