package io.mobula.cli;

import io.mobula.command.UsageException;
import io.mobula.command.ExampleProgram;
import io.mobula.command.CliCommand;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** {@code mobula run NAME [flags]}: runs one of the example workloads found on the class path. */
public final class RunCommand implements CliCommand {
    private final Map<String, ExampleProgram> programs = new TreeMap<>();

    public RunCommand() {
        for (ExampleProgram program : ServiceLoader.load(ExampleProgram.class)) {
            programs.put(program.name(), program);
        }
    }

    @Override
    public String name() {
        return "run";
    }

    @Override
    public String summary() {
        return "run an example workload: " + (programs.isEmpty() ? "(none on the class path)" : String.join(", ", programs.keySet()));
    }

    @Override
    public String usage() {
        return "run NAME [flags]   (NAME: " + String.join(" | ", programs.keySet()) + ")";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        if (args.isEmpty()) {
            out.println("mobula run NAME [flags]; the workloads:");
            programs.values().forEach(p -> out.printf("  %-10s %s%n             usage: mobula run %s %s%n", p.name(), p.summary(),
                p.name(), p.usage()));
            return programs.isEmpty() ? 1 : 0;
        }
        ExampleProgram program = programs.get(args.get(0));
        if (program == null) {
            throw new UsageException("no workload named '" + args.get(0) + "'; the workloads are " + programs.keySet());
        }
        try {
            return program.run(args.subList(1, args.size()), out, err);
        } catch (UsageException e) {
            throw new UsageException(e.getMessage() + "\n  usage: mobula run " + program.name() + " " + program.usage());
        }
    }
}
