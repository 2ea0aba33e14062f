package io.mobula.cli;

import io.mobula.command.CliCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.ServiceLoader;

/** Runs {@code mobula} commands in the test's JVM, as the command line would, capturing what they print. */
public final class Cli {
    /** A command's exit code and everything it printed (out and err together). */
    public record Result(int code, String output) {
    }

    private Cli() {
    }

    public static Result run(String... args) {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8);
        int code = new MobulaCli(ServiceLoader.load(CliCommand.class)).run(List.of(args), out, out);
        return new Result(code, sink.toString(StandardCharsets.UTF_8));
    }

    /** Runs a command for its exit code; what a failing one printed goes to stderr, for the test's report. */
    public static int code(String... args) {
        Result result = run(args);
        if (result.code() != 0) {
            System.err.println("mobula " + String.join(" ", args) + " -> " + result.code() + ":\n" + result.output());
        }
        return result.code();
    }
}
