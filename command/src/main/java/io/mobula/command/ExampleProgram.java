package io.mobula.command;

import java.io.PrintStream;
import java.util.List;

/**
 * A workload {@code mobula run NAME [flags]} runs (word count, log mining, SGD training,
 * hyperparameter search, online learning). Library modules add theirs by listing the
 * implementation in {@code META-INF/services/io.mobula.command.ExampleProgram}. Each runs on an
 * embedded node by default, or on a cluster with {@code --address HOST:PORT}.
 */
public interface ExampleProgram {
    /** The word that runs it: {@code mobula run NAME}. */
    String name();

    /** One line for {@code mobula run} without a name. */
    String summary();

    /** Its flags, e.g. {@code [--data FILE] [--address HOST:PORT]}. */
    String usage();

    /**
     * Runs it: a progress line on long work, a results summary at the end.
     *
     * @return the process exit code.
     * @throws UsageException for bad flags.
     */
    int run(List<String> args, PrintStream out, PrintStream err) throws Exception;
}
