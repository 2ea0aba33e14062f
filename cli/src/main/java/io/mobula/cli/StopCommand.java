package io.mobula.cli;

import io.mobula.command.UsageException;
import io.mobula.command.CliCommand;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.mobula.cluster.host.NodeRecord;
import io.mobula.cluster.host.StateDirectory;

/** {@code mobula stop}: stops every node started from this host (SIGTERM, then SIGKILL after 15 s). */
public final class StopCommand implements CliCommand {
    @Override
    public String name() {
        return "stop";
    }

    @Override
    public String summary() {
        return "stop every node started from this host";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        if (!args.isEmpty()) {
            throw new UsageException("stop takes no arguments; it stops every node started from this host");
        }
        StateDirectory state = StateDirectory.fromEnvironment();
        int stopped = 0;
        java.util.List<NodeRecord> nodes = new java.util.ArrayList<>(state.nodes());
        java.util.Collections.reverse(nodes); // members first, so their leaves reach the head
        for (NodeRecord node : nodes) {
            ProcessHandle.of(node.pid()).ifPresent(process -> {
                process.destroy();
                try {
                    process.onExit().get(15, TimeUnit.SECONDS);
                } catch (Exception e) {
                    process.destroyForcibly();
                }
            });
            state.forget(node.pid());
            stopped++;
        }
        out.println(stopped == 0 ? "No nodes were running on this host." : "Stopped " + stopped + " node" + (stopped == 1 ? "." : "s."));
        return 0;
    }
}
