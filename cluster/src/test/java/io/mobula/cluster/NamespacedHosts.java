package io.mobula.cluster;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.mobula.transport.NetworkNamespaces;

/**
 * Test hosts: {@code count} network namespaces of our own, each with a veth into a bridge that
 * this (the test's) namespace is on too, addresses 10.205.x.1 .. 10.205.x.count and 10.205.x.254
 * here (x a free tag, claimed by making the bridge). Removed at close, even after a failure. Needs
 * root and iproute2, as CI has.
 */
final class NamespacedHosts implements AutoCloseable {
    private final List<String> names = new ArrayList<>();
    private final List<String> addresses = new ArrayList<>();
    /** Each host's end of its veth pair, inside its namespace. */
    private final List<String> interfaces = new ArrayList<>();
    private final String bridge;
    private final String localAddress;

    /** How many tags to try before giving up: each one taken is left by a run that did not clean up. */
    private static final int TAG_ATTEMPTS = 32;

    NamespacedHosts(int count) throws IOException, InterruptedException {
        int tag = claimTag();
        String suffix = tag + "-" + ProcessHandle.current().pid();
        this.bridge = "mbr" + tag;
        this.localAddress = "10.205." + tag + ".254";
        try {
            ip("addr", "add", localAddress + "/24", "dev", bridge);
            ip("link", "set", bridge, "up");
            for (int i = 1; i <= count; i++) {
                String name = "mobula-h" + i + "-" + suffix;
                String address = "10.205." + tag + "." + i;
                String inside = "mh" + i + "t" + tag;
                String outside = "mb" + i + "t" + tag;
                ip("netns", "add", name);
                names.add(name);
                ip("link", "add", inside, "type", "veth", "peer", "name", outside);
                ip("link", "set", inside, "netns", name);
                ip("-n", name, "addr", "add", address + "/24", "dev", inside);
                ip("-n", name, "link", "set", "lo", "up");
                ip("-n", name, "link", "set", inside, "up");
                ip("link", "set", outside, "master", bridge);
                ip("link", "set", outside, "up");
                addresses.add(address);
                interfaces.add(inside);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * A tag no one else holds, claimed by making its bridge ({@code ip link add} fails if the name
     * exists, so two runs cannot both claim one). A random tag alone collided with a bridge an
     * earlier, killed run had left (CI: "ip link add mbr103 type bridge failed: File exists"), and
     * cleaning up after that failure then deleted the other run's bridge.
     */
    private static int claimTag() throws IOException, InterruptedException {
        IOException taken = null;
        for (int attempt = 0; attempt < TAG_ATTEMPTS; attempt++) {
            int tag = ThreadLocalRandom.current().nextInt(1, 250);
            try {
                ip("link", "add", "mbr" + tag, "type", "bridge");
                return tag;
            } catch (IOException e) {
                if (!e.getMessage().contains("File exists")) {
                    throw e;
                }
                taken = e;
            }
        }
        throw new IOException("no free test-network tag in " + TAG_ATTEMPTS
                + " tries: remove leftover bridges with 'ip link show type bridge' / 'ip link delete mbrN'", taken);
    }

    /** @return null if namespaces can be made here, else why not. */
    static String unavailableReason() {
        return NetworkNamespaces.unavailableReason();
    }

    /** Host {@code i}'s (from 0) namespace name. */
    String name(int i) {
        return names.get(i);
    }

    /** Host {@code i}'s (from 0) address. */
    String address(int i) {
        return addresses.get(i);
    }

    /** This namespace's address on the hosts' network. */
    String localAddress() {
        return localAddress;
    }

    /** Cuts host {@code i} off the network (its link goes down; its processes keep running). */
    void cut(int i) throws IOException, InterruptedException {
        ip("-n", names.get(i), "link", "set", interfaces.get(i), "down");
    }

    /** Joins host {@code i} to the network again, as it was. */
    void mend(int i) throws IOException, InterruptedException {
        ip("-n", names.get(i), "link", "set", interfaces.get(i), "up");
        ip("-n", names.get(i), "addr", "replace", addresses.get(i) + "/24", "dev", interfaces.get(i));
    }

    /** A command run inside host {@code i}. */
    List<String> inHost(int i, List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", names.get(i)));
        full.addAll(command);
        return full;
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        NetworkNamespaces.ip(args);
    }

    @Override
    public void close() {
        List<List<String>> removals = new ArrayList<>();
        for (String name : names) {
            removals.add(List.of("ip", "netns", "delete", name)); // takes its veth pair with it
        }
        removals.add(List.of("ip", "link", "delete", bridge));
        for (List<String> removal : removals) {
            try {
                Process p = new ProcessBuilder(removal).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                // nothing more to do: it may not have been made
            }
        }
    }
}
