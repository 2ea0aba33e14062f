package io.mobula.cluster.objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.mobula.transport.ClusterSecret;
import io.mobula.transport.NetworkNamespaces;

/**
 * A 1 GiB object pulled by one node from another, for real: two node processes in two network
 * namespaces joined by a veth pair, each with its own media driver, store and object manager bound
 * to its own address; the checksums of the object at both ends must match.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class MultiHostObjectPullTest {
    private static final int PORT = 40_311;

    /** This JVM's binary, module and access flags and class path, running {@link ObjectNodeProcess}. */
    private static List<String> node(String... args) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (flag.startsWith("--")) {
                command.add(flag);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ObjectNodeProcess.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    @Test
    void aGibibyteIsPulledFromOneNamespaceIntoAnother(@TempDir Path dir) throws Exception {
        String reason = NetworkNamespaces.unavailableReason();
        Assumptions.assumeTrue(reason == null, () -> "skipped: " + reason);
        long size = 1L << 30;
        Path secretFile = dir.resolve("secret");
        ClusterSecret.generate().writeTo(secretFile);
        try (NetworkNamespaces hosts = new NetworkNamespaces()) {
            pullAcross(hosts, size, secretFile);
        }
    }

    private static void pullAcross(NetworkNamespaces hosts, long size, Path secretFile) throws Exception {
        Process holder = null;
        Process puller = null;
        try {
            holder = new ProcessBuilder(NetworkNamespaces.inHost(hosts.hostA,
                node("serve", hosts.addressA, Integer.toString(PORT), secretFile.toString(), Long.toString(size))))
                .redirectErrorStream(true).start();
            BufferedReader holderOut = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            String serving = holderOut.readLine();
            assertTrue(serving != null && serving.startsWith("serving "), "holder said: " + serving);
            String[] held = serving.split(" ");
            String id = held[1];
            String expectedCrc = held[2];

            puller = new ProcessBuilder(NetworkNamespaces.inHost(hosts.hostB,
                node("pull", hosts.addressB, Integer.toString(PORT), secretFile.toString(), hosts.addressA + ":" + PORT, id)))
                .redirectErrorStream(true).start();
            assertTrue(puller.waitFor(200, TimeUnit.SECONDS), "the pull finished in time");
            String pulled = new String(puller.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertEquals(0, puller.exitValue(), "puller said: " + pulled);
            assertNotNull(pulled);
            assertTrue(pulled.startsWith("pulled " + size + " "), "puller said: " + pulled);
            assertTrue(pulled.contains(expectedCrc), pulled + " (the holder's: " + expectedCrc + ")");
            System.out.println("multi-host object pull: " + pulled);
            holder.getOutputStream().close(); // the holder's cue to stop
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS), "the holder stopped");
        } finally { // the processes go before their namespaces do, even after a failure
            for (Process p : new Process[] {puller, holder}) {
                if (p != null) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }
}
