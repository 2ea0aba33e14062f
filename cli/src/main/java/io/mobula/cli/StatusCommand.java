package io.mobula.cli;

import io.mobula.command.UsageException;
import io.mobula.command.CliCommand;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.mobula.cluster.daemon.NodeDaemon;
import io.mobula.cluster.host.NodeRecord;
import io.mobula.cluster.wire.NodeStatus;
import io.mobula.cluster.host.StateDirectory;
import io.mobula.transport.AuthClient;
import io.mobula.transport.AuthenticationException;
import io.mobula.transport.ClusterSecret;
import io.mobula.transport.EmbeddedTransport;

/**
 * {@code mobula status [--json]}: asks every node started from this host, over the authenticated
 * wire, for its resources and store use; an aligned table for people, JSON for machines.
 */
public final class StatusCommand implements CliCommand {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Override
    public String name() {
        return "status";
    }

    @Override
    public String summary() {
        return "show the cluster as its head sees it (or each node of this host): alive, resources used/total, store use";
    }

    @Override
    public String usage() {
        return "status [--json]";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        boolean json = false;
        for (String arg : args) {
            if (arg.equals("--json")) {
                json = true;
            } else {
                throw new UsageException("unknown argument '" + arg + "'");
            }
        }
        StateDirectory state = StateDirectory.fromEnvironment();
        List<NodeRecord> nodes = state.nodes().stream().filter(NodeRecord::alive).toList();
        if (nodes.isEmpty()) {
            out.println(json ? "{\"nodes\": []}" : "No nodes are running on this host; start one with 'mobula start --head'.");
            return 0;
        }
        ClusterSecret secret = state.secret(false);
        List<NodeStatus> statuses = new ArrayList<>();
        try (EmbeddedTransport transport = new EmbeddedTransport()) {
            NodeRecord head = nodes.stream().filter(NodeRecord::head).findFirst().orElse(null);
            if (head != null) {
                statuses.addAll(askCluster(transport, head, secret)); // the head knows every member
            } else {
                for (NodeRecord node : nodes) {
                    statuses.add(ask(transport, node, secret));
                }
            }
        } catch (AuthenticationException e) {
            err.println("mobula status: " + e.getMessage());
            return 1;
        }
        out.print(json ? json(statuses) : table(statuses));
        return 0;
    }

    static NodeStatus ask(EmbeddedTransport transport, NodeRecord node, ClusterSecret secret) throws Exception {
        return askCluster(transport, node, secret).get(0);
    }

    /** A node's answer to a status request: one block, or at a head, its own then every member's. */
    static List<NodeStatus> askCluster(EmbeddedTransport transport, NodeRecord node, ClusterSecret secret) throws Exception {
        return NodeStatus.decodeAll(request(transport, node, secret));
    }

    private static byte[] request(EmbeddedTransport transport, NodeRecord node, ClusterSecret secret) throws Exception {
        try (AuthClient client = AuthClient.connect(transport.aeron(), node.address(), NodeDaemon.STREAM, secret, TIMEOUT)) {
            return client.request(NodeStatus.request(), TIMEOUT);
        }
    }

    private static String table(List<NodeStatus> statuses) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"id", "address", "pid", "head", "state", "CPU used/total", "GPU used/total", "tasks run/queued",
            "actors (restarts)", "store used/capacity", "objects"});
        for (NodeStatus s : statuses) {
            rows.add(new String[] {s.get("id"), s.get("address"), s.get("pid"), s.get("head").equals("true") ? "yes" : "no",
                s.get("alive").equals("false") ? "DEAD" : "alive",
                usedOfTotal(s, "CPU"), usedOfTotal(s, "GPU"), count(s, "tasks.running") + " / " + count(s, "tasks.queued"),
                count(s, "actors") + " (" + count(s, "actors.restarts") + ")", bytes(s.number("store.used")) + " / " + bytes(s.number("store.capacity")), s.get("store.objects")});
        }
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                out.append(String.format("%-" + width[i] + "s", row[i])).append(i + 1 < row.length ? "  " : "\n");
            }
        }
        return out.toString();
    }

    private static String count(NodeStatus s, String key) {
        return s.get(key).isEmpty() ? "0" : s.get(key);
    }

    private static String usedOfTotal(NodeStatus s, String resource) {
        double total = s.number("total." + resource);
        double used = total - s.number("available." + resource);
        return number(used) + " / " + number(total);
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.2f", value);
    }

    private static String bytes(double value) {
        if (value >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", value / (1L << 30));
        }
        return String.format(Locale.ROOT, "%.1f MiB", value / (1 << 20));
    }

    private static String json(List<NodeStatus> statuses) {
        StringBuilder out = new StringBuilder("{\"nodes\": [");
        for (int i = 0; i < statuses.size(); i++) {
            NodeStatus s = statuses.get(i);
            out.append(i == 0 ? "\n  " : ",\n  ").append("{\"id\": \"").append(s.get("id")).append("\", \"address\": \"")
                .append(s.get("address")).append("\", \"pid\": ").append(s.get("pid")).append(", \"head\": ").append(s.get("head"))
                .append(", \"alive\": ").append(!s.get("alive").equals("false"))
                .append(", \"resources\": {\"total\": ").append(resources(s, "total.")).append(", \"used\": ")
                .append(used(s)).append("}, \"tasks\": {\"running\": ").append(count(s, "tasks.running"))
                .append(", \"queued\": ").append(count(s, "tasks.queued")).append("}, \"actors\": ").append(count(s, "actors"))
                .append(", \"actor_restarts\": ").append(count(s, "actors.restarts"))
                .append(", \"store\": {\"used\": ").append(s.get("store.used")).append(", \"capacity\": ")
                .append(s.get("store.capacity")).append(", \"objects\": ").append(s.get("store.objects"))
                .append(", \"kept\": ").append(count(s, "store.kept")).append(", \"lent\": ").append(count(s, "store.lent"))
                .append("}}");
        }
        return out.append("\n]}\n").toString();
    }

    private static String resources(NodeStatus s, String prefix) {
        StringBuilder out = new StringBuilder("{");
        s.fields().forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.append(out.length() > 1 ? ", " : "").append('"').append(k.substring(prefix.length())).append("\": ").append(v);
            }
        });
        return out.append('}').toString();
    }

    private static String used(NodeStatus s) {
        StringBuilder out = new StringBuilder("{");
        s.fields().forEach((k, v) -> {
            if (k.startsWith("total.")) {
                String name = k.substring("total.".length());
                double used = Double.parseDouble(v) - s.number("available." + name);
                out.append(out.length() > 1 ? ", " : "").append('"').append(name).append("\": ").append(used);
            }
        });
        return out.append('}').toString();
    }
}
