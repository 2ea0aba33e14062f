package io.mobula.examples;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import io.mobula.Mobula;
import io.mobula.NodeContext;
import io.mobula.command.CliCommand;
import io.mobula.command.UsageException;

/**
 * {@code mobula demo}: starts an embedded node and runs the seed programs on it, printing each
 * one's result, whether it checked out, and its wall time. The node has {@value #CPUS} logical
 * CPUs whatever the machine has, because the tree-reduce seed needs four adds to run at once to
 * show its speed-up. A program that fails is reported and the others still run; the exit code is
 * 0 only when every program ran and verified its answer.
 */
public final class DemoCommand implements CliCommand {
    static final int CPUS = 8;

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "run the six seed programs on an embedded node and check their results";
    }

    @Override
    public String usage() {
        return "demo [--only NAME]";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws UsageException {
        List<SeedProgram<?>> programs = select(args);
        int width = programs.stream().mapToInt(program -> program.name().length()).max().orElse(0);
        int failures = 0;
        out.printf(Locale.ROOT, "Mobula demo: %d seed program%s on an embedded node with %d logical CPUs%n%n",
            programs.size(), programs.size() == 1 ? "" : "s", CPUS);
        try (Mobula mobula = Mobula.init(new NodeContext().cpus(CPUS))) {
            for (int i = 0; i < programs.size(); i++) {
                SeedProgram<?> program = programs.get(i);
                String title = String.format(Locale.ROOT, "[%d/%d] %-" + width + "s", i + 1, programs.size(), program.name());
                long start = System.nanoTime();
                try {
                    SeedResult result = program.run(mobula);
                    long elapsed = System.nanoTime() - start;
                    out.printf(Locale.ROOT, "%s  %-6s %9s   %s%n", title, result.verified() ? "ok" : "WRONG",
                        Durations.seconds(elapsed), program.summary());
                    result.describe().forEach(line -> out.println("      " + line));
                    failures += result.verified() ? 0 : 1;
                } catch (Exception e) {
                    long elapsed = System.nanoTime() - start;
                    out.printf(Locale.ROOT, "%s  %-6s %9s   %s%n", title, "FAILED", Durations.seconds(elapsed), program.summary());
                    out.println("      " + e);
                    e.printStackTrace(err);
                    failures++;
                }
                out.println();
            }
        }
        out.printf(Locale.ROOT, "%d of %d seed programs verified%n", programs.size() - failures, programs.size());
        out.println("Data: Tiny Shakespeare, compiled by Andrej Karpathy for char-rnn (MIT; the text is public domain).");
        out.println("      Kafka log from elastic/examples; nova-conductor.log from os-log-merger, Copyright 2015 Red Hat, Inc.;");
        out.println("      both Apache License 2.0. Sources and licences: data/README.md in the mobula-examples jar.");
        return failures == 0 ? 0 : 1;
    }

    private static List<SeedProgram<?>> select(List<String> args) throws UsageException {
        if (args.isEmpty()) {
            return SeedPrograms.all();
        }
        if (!args.get(0).equals("--only")) {
            throw new UsageException("unknown argument '" + args.get(0) + "'");
        }
        if (args.size() < 2) {
            throw new UsageException("--only needs a program name: " + names());
        }
        if (args.size() > 2) {
            throw new UsageException("unexpected argument '" + args.get(2) + "'");
        }
        SeedProgram<?> program = SeedPrograms.named(args.get(1))
            .orElseThrow(() -> new UsageException("no seed program '" + args.get(1) + "'; choose one of " + names()));
        return List.of(program);
    }

    private static String names() {
        return SeedPrograms.all().stream().map(SeedProgram::name).collect(Collectors.joining(", "));
    }
}
