package io.mobula.cluster;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.mobula.Mobula;
import io.mobula.NodeInfo;
import io.mobula.transport.ClusterSecret;
import io.mobula.worker.JvmCommand;
import io.mobula.cluster.daemon.NodeDaemon;
import io.mobula.cluster.host.StateDirectory;

/**
 * A cluster over a real network for a test: a head on host 0 and a node on each other host of
 * {@link NamespacedHosts}, each a node daemon of its own joined over Aeron UDP, sharing one secret;
 * this JVM's state directory points at a driver's home beside theirs while it runs, so
 * {@code Mobula.init(headAddress())} connects. Nodes can be killed and started again; closing stops
 * them (SIGTERM, then SIGKILL), removes the namespaces and points the state directory back.
 */
final class NamespacedCluster implements AutoCloseable {
    private final NamespacedHosts hosts;
    private final Path home;
    private final List<String> headOptions;
    private final ClusterSecret secret = ClusterSecret.generate();
    private final int port = 7000 + (int) (ProcessHandle.current().pid() % 1000);
    private final Process[] nodes;
    private final String previousHome = System.getProperty("mobula.home");

    private NamespacedCluster(NamespacedHosts hosts, Path home, List<String> headOptions) {
        this.hosts = hosts;
        this.home = home;
        this.headOptions = headOptions;
        this.nodes = new Process[3];
    }

    /** Starts a head ({@code headOptions} added to its command line) and two nodes, 2 CPUs each. */
    static NamespacedCluster start(Path home, List<String> headOptions) throws Exception {
        NamespacedHosts hosts = new NamespacedHosts(3);
        NamespacedCluster cluster = new NamespacedCluster(hosts, home, headOptions);
        try {
            Path driver = Files.createDirectories(home.resolve("driver"));
            cluster.secret.writeTo(new StateDirectory(driver).secretFile());
            System.setProperty("mobula.home", driver.toString());
            for (int i = 0; i < 3; i++) {
                cluster.startNode(i);
            }
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    NamespacedHosts hosts() {
        return hosts;
    }

    String headAddress() {
        return address(0);
    }

    /** Where host {@code i}'s node serves. */
    String address(int i) {
        return hosts.address(i) + ":" + port;
    }

    /**
     * Kills host {@code i}'s node (SIGKILL: no goodbye) and waits until its process is gone.
     *
     * @return false if it was not running.
     */
    boolean kill(int i) throws InterruptedException {
        boolean running = nodes[i].isAlive();
        nodes[i].destroyForcibly().waitFor();
        return running;
    }

    /** Starts host {@code i}'s node (again): a new process, a new node, at the same address. */
    void startNode(int i) throws Exception {
        Path state = Files.createDirectories(home.resolve("host" + i));
        if (!Files.exists(new StateDirectory(state).secretFile())) {
            secret.writeTo(new StateDirectory(state).secretFile());
        }
        List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port), "--state-dir", state.toString(),
            "--bind", hosts.address(i), "--resources", "{\"CPU\":2}"));
        if (i == 0) {
            args.add("--head");
            args.addAll(headOptions);
        } else {
            args.addAll(List.of("--join", headAddress()));
        }
        Process node = new ProcessBuilder(hosts.inHost(i, JvmCommand.of(NodeDaemon.class, args))).redirectErrorStream(true)
            .start();
        nodes[i] = node;
        awaitReady(node, hosts.address(i));
    }

    /** Waits for the node's "ready at" line on its output, which it prints once it serves. */
    private static void awaitReady(Process node, String address) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    seen.append(line).append('\n');
                    if (line.contains("ready at " + address)) {
                        return true;
                    }
                }
            } catch (java.io.IOException e) {
                // the node went away
            }
            return false;
        });
        if (!ready.get(60, TimeUnit.SECONDS)) {
            throw new AssertionError("the node at " + address + " did not come up:\n" + seen);
        }
        Thread drain = new Thread(() -> {
            try {
                out.transferTo(java.io.Writer.nullWriter());
            } catch (java.io.IOException e) {
                // gone
            }
        });
        drain.setDaemon(true);
        drain.start();
    }

    /** The cluster once {@code count} nodes are alive (30 s at most). */
    static List<NodeInfo> awaitNodes(Mobula driver, int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        List<NodeInfo> nodes = driver.nodes();
        while (System.currentTimeMillis() < deadline) {
            nodes = driver.nodes();
            if (nodes.stream().filter(NodeInfo::alive).count() == count) {
                return nodes;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the cluster did not reach " + count + " nodes: " + nodes);
    }

    /** The live node listening at {@code address}. */
    static NodeInfo onHost(List<NodeInfo> cluster, String address) {
        return cluster.stream().filter(node -> node.alive() && node.address().equals(address)).findFirst().orElseThrow();
    }

    /** The node alive at {@code address} under another id than {@code oldId}, once it joins (30 s at most). */
    static NodeInfo awaitNewNodeAt(Mobula driver, String address, String oldId) throws InterruptedException {
        long start = System.nanoTime();
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30)) {
            for (NodeInfo node : driver.nodes()) {
                if (node.alive() && node.address().equals(address) && !node.id().equals(oldId)) {
                    return node;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no new node joined at " + address + " within 30 s: " + driver.nodes());
    }

    /** Milliseconds until the cluster reports the node dead. */
    static long awaitDead(Mobula driver, String id) throws InterruptedException {
        long start = System.nanoTime();
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30)) {
            for (NodeInfo node : driver.nodes()) {
                if (node.id().equals(id) && !node.alive()) {
                    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("node " + id + " was not declared dead within 30 s");
    }

    @Override
    public void close() {
        for (Process node : nodes) {
            if (node != null) {
                node.destroy(); // SIGTERM: the node removes its files and leaves
            }
        }
        for (Process node : nodes) {
            try {
                if (node != null && !node.waitFor(20, TimeUnit.SECONDS)) {
                    node.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                node.destroyForcibly();
            }
        }
        hosts.close();
        if (previousHome == null) {
            System.clearProperty("mobula.home");
        } else {
            System.setProperty("mobula.home", previousHome);
        }
    }
}
