package io.mobula.transport;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Two test hosts: network namespaces of our own joined by a veth pair, addresses 10.203.x.1 and
 * 10.203.x.2 (x random, so parallel runs do not collide). Removed at close, even after a failure.
 * Needs root and iproute2, as CI has. Shared with the modules above through this module's test-jar.
 */
public final class NetworkNamespaces implements AutoCloseable {
    public final String hostA;
    public final String hostB;
    public final String addressA;
    public final String addressB;

    public NetworkNamespaces() throws IOException, InterruptedException {
        int tag = ThreadLocalRandom.current().nextInt(1, 250);
        String suffix = Integer.toString(tag) + "-" + ProcessHandle.current().pid();
        this.hostA = "mobula-a-" + suffix;
        this.hostB = "mobula-b-" + suffix;
        this.addressA = "10.203." + tag + ".1";
        this.addressB = "10.203." + tag + ".2";
        String vethA = "mva" + tag;
        String vethB = "mvb" + tag;
        try {
            ip("netns", "add", hostA);
            ip("netns", "add", hostB);
            ip("link", "add", vethA, "type", "veth", "peer", "name", vethB);
            ip("link", "set", vethA, "netns", hostA);
            ip("link", "set", vethB, "netns", hostB);
            ip("-n", hostA, "addr", "add", addressA + "/24", "dev", vethA);
            ip("-n", hostB, "addr", "add", addressB + "/24", "dev", vethB);
            for (String host : List.of(hostA, hostB)) {
                ip("-n", host, "link", "set", "lo", "up");
            }
            ip("-n", hostA, "link", "set", vethA, "up");
            ip("-n", hostB, "link", "set", vethB, "up");
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** @return null if namespaces can be made here, else why not. */
    public static String unavailableReason() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "network namespaces need root (CI runs as root)";
        }
        try {
            Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? null : "'ip netns' does not work here";
        } catch (IOException | InterruptedException e) {
            return "iproute2 ('ip') is not installed";
        }
    }

    /** A command run inside {@code host}. */
    public static List<String> inHost(String host, List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", host));
        full.addAll(command);
        return full;
    }

    /** Runs {@code ip ARGS}; fails with its output if it does not succeed within 10 s. */
    public static void ip(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out.trim());
        }
    }

    @Override
    public void close() {
        for (String host : List.of(hostA, hostB)) {
            try {
                Process p = new ProcessBuilder("ip", "netns", "delete", host).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                // nothing more to do: the namespace may not have been made
            }
        }
    }
}
