package io.mobula.cluster.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import io.mobula.transport.ClusterSecret;

/**
 * Where this host keeps what its nodes share: the cluster secret ({@code cluster.secret}, 0600),
 * one record per running node ({@code nodes/<pid>.properties}) and the nodes' logs. Default
 * {@code ~/.mobula}; {@code MOBULA_HOME} or {@code -Dmobula.home} moves it.
 */
public final class StateDirectory {
    private final Path root;

    public StateDirectory(Path root) {
        this.root = root;
    }

    public static StateDirectory fromEnvironment() {
        String configured = System.getProperty("mobula.home", System.getenv("MOBULA_HOME"));
        return new StateDirectory(configured != null ? Path.of(configured) : Path.of(System.getProperty("user.home"), ".mobula"));
    }

    public Path root() {
        return root;
    }

    public Path secretFile() {
        return root.resolve("cluster.secret");
    }

    public Path logFile(int port) {
        return root.resolve("logs").resolve("node-" + port + ".log");
    }

    /** The cluster secret, made (0600) on first use. */
    public ClusterSecret secret(boolean createIfMissing) {
        Path file = secretFile();
        if (!Files.exists(file)) {
            if (!createIfMissing) {
                throw new IllegalStateException("no cluster secret at " + file + "; start a head here first "
                    + "(mobula start --head), or copy the head's secret file there");
            }
            try {
                Files.createDirectories(root);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + root + ": " + e.getMessage(), e);
            }
            ClusterSecret.generate().writeTo(file);
        }
        return ClusterSecret.readFrom(file);
    }

    /** Records a running node. */
    public void record(NodeRecord node) {
        Path file = root.resolve("nodes").resolve(node.pid() + ".properties");
        try {
            Files.createDirectories(file.getParent());
            Properties p = node.toProperties();
            Path temp = file.resolveSibling(node.pid() + ".tmp");
            try (var out = Files.newOutputStream(temp)) {
                p.store(out, "a Mobula node on this host");
            }
            Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the node in " + file + ": " + e.getMessage(), e);
        }
    }

    public void forget(long pid) {
        try {
            Files.deleteIfExists(root.resolve("nodes").resolve(pid + ".properties"));
        } catch (IOException e) {
            // a stale record is skipped by readers (its pid is gone)
        }
    }

    /** The nodes recorded on this host, live or not (callers check the pid). */
    public List<NodeRecord> nodes() {
        Path dir = root.resolve("nodes");
        List<NodeRecord> nodes = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return nodes;
        }
        try (var files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (!file.toString().endsWith(".properties")) {
                    continue;
                }
                Properties p = new Properties();
                try (var in = Files.newInputStream(file)) {
                    p.load(in);
                }
                nodes.add(NodeRecord.fromProperties(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir + ": " + e.getMessage(), e);
        }
        nodes.sort(java.util.Comparator.comparing(NodeRecord::head).reversed().thenComparing(NodeRecord::pid));
        return nodes;
    }
}
