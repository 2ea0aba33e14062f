package io.mobula.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mobula.jvm.JvmFlags;
/**
 * A 1 GiB object from one host to another, for real: two JVMs in two network namespaces joined by
 * a veth pair, Aeron UDP between them; the checksums must match.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class MultiHostTransferTest {
    private static List<String> jvm(String... args) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        command.addAll(JvmFlags.all());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), TransferEnds.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    @Test
    void aGibibyteCrossesFromOneNamespaceToAnother() throws Exception {
        String reason = NetworkNamespaces.unavailableReason();
        Assumptions.assumeTrue(reason == null, () -> "skipped: " + reason);
        long size = 1L << 30;
        try (NetworkNamespaces hosts = new NetworkNamespaces()) {
            String endpoint = hosts.addressB + ":40123";
            Process receiver = new ProcessBuilder(NetworkNamespaces.inHost(hosts.hostB, jvm("receive", endpoint, Long.toString(size))))
                .redirectErrorStream(true).start();
            Process sender = null;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(receiver.getInputStream(), StandardCharsets.UTF_8))) {
                assertEquals("listening", out.readLine());
                sender = new ProcessBuilder(NetworkNamespaces.inHost(hosts.hostA, jvm("send", endpoint, Long.toString(size))))
                    .redirectErrorStream(true).start();
                String received = out.readLine();
                assertTrue(received != null && received.startsWith("received " + size), "receiver said: " + received);
                String expected = "fnv=" + Long.toHexString(TransferEnds.fnv(TransferEnds.pattern(size)));
                assertTrue(received.contains(expected), received + " (expected " + expected + ")");
                assertTrue(receiver.waitFor(30, TimeUnit.SECONDS));
                assertTrue(sender.waitFor(60, TimeUnit.SECONDS));
                String sent = new String(sender.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                assertTrue(sent.endsWith("sent"), "sender said: " + sent);
                System.out.println("multi-host transfer: " + received);
            } finally {
                receiver.destroyForcibly();
                if (sender != null) {
                    sender.destroyForcibly();
                }
            }
        }
    }
}
