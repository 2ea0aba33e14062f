package io.mobula.cli;

import io.mobula.command.Flags;
import io.mobula.command.UsageException;
import io.mobula.command.CliCommand;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.mobula.worker.JvmCommand;
import io.mobula.cluster.daemon.NodeDaemon;
import io.mobula.cluster.host.NodeRecord;
import io.mobula.cluster.daemon.ResourceSpec;
import io.mobula.cluster.host.StateDirectory;

/**
 * {@code mobula start --head [--port P] [--resources SPEC]} starts a head node as a daemon process
 * on this host and prints where it listens and where the cluster secret is;
 * {@code mobula start --address HOST:PORT [--port P] [--resources SPEC]} starts a node that joins
 * that head (with the secret in this host's state directory). A node listens on loopback only unless
 * {@code --node-ip} names this host's address for other hosts to reach it by. {@code --store-dir DIR}
 * puts the node's object store (its shared-memory arena) in DIR instead of {@code /dev/shm}.
 */
public final class StartCommand implements CliCommand {
    static final int DEFAULT_PORT = 6380;
    private static final long READY_TIMEOUT_MS = 60_000;

    @Override
    public String name() {
        return "start";
    }

    @Override
    public String summary() {
        return "start a head node (--head) or a node joining one (--address) on this host, as a daemon";
    }

    @Override
    public String usage() {
        return "start (--head [--dead-after-ms N] | --address HOST:PORT) [--port P] [--node-ip ADDRESS] "
            + "[--resources '{\"CPU\":4,\"GPU\":1,\"custom\":2}'] [--store-dir DIR]";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        boolean head = false;
        Integer port = null;
        String resources = null;
        String join = null;
        String deadAfterMs = null;
        String nodeIp = null;
        Path storeDir = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--head" -> head = true;
                case "--port" -> port = Flags.port(Flags.value(args, ++i, arg), arg);
                case "--resources" -> resources = Flags.value(args, ++i, arg);
                case "--address" -> join = address(Flags.value(args, ++i, arg));
                case "--node-ip" -> nodeIp = host(Flags.value(args, ++i, arg));
                case "--dead-after-ms" -> deadAfterMs = Long.toString(Flags.positive(Flags.value(args, ++i, arg), arg));
                case "--store-dir" -> storeDir = directory(Flags.value(args, ++i, arg));
                default -> throw new UsageException("unknown argument '" + arg + "'");
            }
        }
        if (head == (join != null)) {
            throw new UsageException("say either --head (start a head) or --address HOST:PORT (join one)");
        }
        if (port == null) {
            port = head ? DEFAULT_PORT : io.mobula.transport.AeronChannels.freeUdpPort();
        }
        if (resources != null) {
            try {
                ResourceSpec.parse(resources);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
        StateDirectory state = StateDirectory.fromEnvironment();
        for (NodeRecord node : state.nodes()) {
            if (node.alive() && node.address().endsWith(":" + port)) {
                throw new UsageException("a node already listens at " + node.address() + " (pid " + node.pid()
                    + "); stop it with 'mobula stop' or pick another --port");
            }
        }
        state.secret(head); // a joining node needs the head's secret here already
        Path log = state.logFile(port);
        Files.createDirectories(log.getParent());
        List<String> command = daemonCommand(port, state.root(), resources, join);
        if (deadAfterMs != null) {
            command.addAll(List.of("--dead-after-ms", deadAfterMs));
        }
        if (nodeIp != null) {
            command.addAll(List.of("--bind", nodeIp));
        }
        if (storeDir != null) {
            command.addAll(List.of("--store-dir", storeDir.toString()));
        }
        Process daemon = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        NodeRecord ready = awaitReady(state, daemon, port);
        if (ready == null) {
            err.println("mobula start: the node did not come up within " + READY_TIMEOUT_MS / 1000 + " s; its log (" + log + "):");
            err.println(tail(log));
            daemon.destroyForcibly();
            return 1;
        }
        out.println("Started a " + (head ? "head node" : "node joining " + join) + " at " + ready.address()
            + " (pid " + ready.pid() + ").");
        out.println("  cluster secret: " + state.secretFile() + " (mode 0600; joining and submitting need it)");
        out.println("  object store:   " + (ready.arena().isEmpty() ? "private to the node" : ready.arena()));
        out.println("  log:            " + log);
        out.println("  status:         mobula status        stop: mobula stop");
        if (head) {
            out.println("  join another:   mobula start --address " + ready.address());
        }
        return 0;
    }

    /** The daemon's command line: a JVM like this one, run in a session of its own. */
    private static List<String> daemonCommand(int port, Path stateDir, String resources, String join) {
        List<String> args = new ArrayList<>(join == null ? List.of("--head") : List.of("--join", join));
        args.addAll(List.of("--port", Integer.toString(port), "--state-dir", stateDir.toString()));
        if (resources != null) {
            args.addAll(List.of("--resources", resources));
        }
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid"); // not in the terminal's process group: a Ctrl-C there does not reach it
        }
        command.addAll(JvmCommand.of(NodeDaemon.class, args));
        return command;
    }

    private static NodeRecord awaitReady(StateDirectory state, Process daemon, int port) throws InterruptedException {
        long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            for (NodeRecord node : state.nodes()) {
                if (node.address().endsWith(":" + port) && node.alive()) {
                    return node;
                }
            }
            if (!daemon.isAlive() && daemon.toHandle().descendants().findAny().isEmpty()) {
                return null; // it exited (setsid forks: then the child is the node, checked through the record)
            }
            Thread.sleep(50);
        }
        return null;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(cannot read the log: " + e.getMessage() + ")";
        }
    }

    /** A --store-dir: an existing directory, as an absolute path (the daemon runs elsewhere). */
    private static Path directory(String text) throws UsageException {
        Path dir = Path.of(text).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new UsageException("--store-dir " + text + " is not a directory; create it, or name an existing one "
                + "(a tmpfs keeps objects in memory; the default is /dev/shm)");
        }
        return dir;
    }

    private static String address(String text) throws UsageException {
        try {
            io.mobula.transport.AeronChannels.parseAddress(text);
            return text;
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** A --node-ip: an address of this host's (a node binds it, so it must be local). */
    private static String host(String text) throws UsageException {
        try {
            java.net.InetAddress address = java.net.InetAddress.getByName(text);
            if (java.net.NetworkInterface.getByInetAddress(address) == null) {
                throw new UsageException("--node-ip " + text + " is not an address of this host; name one of its interfaces' "
                    + "addresses (see 'ip addr')");
            }
            return address.getHostAddress();
        } catch (java.io.IOException e) {
            throw new UsageException("--node-ip " + text + " is not an address: " + e.getMessage());
        }
    }
}
