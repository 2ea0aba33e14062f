package io.mobula.command;

import java.io.PrintStream;
import java.util.List;

/**
 * A command of the {@code mobula} command line. Modules above the core add commands (the demo,
 * the microbenchmark suite, the example workloads) by listing their implementation in
 * {@code META-INF/services/io.mobula.command.CliCommand}.
 */
public interface CliCommand {
    /** The word that runs it: {@code mobula NAME ...}. */
    String name();

    /** One line for {@code mobula help}. */
    String summary();

    /** The usage line, e.g. {@code demo [--filter NAME]}. */
    default String usage() {
        return name();
    }

    /**
     * Runs the command.
     *
     * @return the process exit code.
     * @throws UsageException for bad arguments; the CLI prints its message and the usage.
     */
    int run(List<String> args, PrintStream out, PrintStream err) throws Exception;
}
