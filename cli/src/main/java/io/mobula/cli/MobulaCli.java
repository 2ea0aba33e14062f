package io.mobula.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.TreeMap;

import io.mobula.command.CliCommand;
import io.mobula.command.UsageException;

/**
 * The {@code mobula} command line: {@code help}, {@code --version}, and every {@link CliCommand}
 * found on the class path. Unknown commands and bad flags get one line of error and the usage,
 * and exit with status 2.
 */
public final class MobulaCli {
    /** The project's version as the pom says it (the build writes it into {@code version.properties}). */
    public static final String VERSION = readVersion();
    static final int EXIT_USAGE = 2;

    private final Map<String, CliCommand> commands = new TreeMap<>();

    public MobulaCli(Iterable<CliCommand> commands) {
        for (CliCommand command : commands) {
            this.commands.put(command.name(), command);
        }
    }

    public static void main(String[] args) {
        int status = new MobulaCli(ServiceLoader.load(CliCommand.class)).run(List.of(args), System.out, System.err);
        System.exit(status);
    }

    private static String readVersion() {
        try (InputStream in = MobulaCli.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("version.properties is missing from the class path; rebuild with mvn package");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read version.properties", e);
        }
    }

    public int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty()) {
            usage(err);
            return EXIT_USAGE;
        }
        String first = args.get(0);
        List<String> rest = args.subList(1, args.size());
        switch (first) {
            case "help", "--help", "-h" -> {
                if (!rest.isEmpty() && commands.containsKey(rest.get(0))) {
                    out.println("usage: mobula " + commands.get(rest.get(0)).usage());
                } else {
                    usage(out);
                }
                return 0;
            }
            case "--version", "version" -> {
                out.println("mobula " + VERSION + " (Java " + Runtime.version() + ")");
                return 0;
            }
            default -> {
            }
        }
        CliCommand command = commands.get(first);
        if (command == null) {
            err.println("mobula: unknown command '" + first + "'");
            usage(err);
            return EXIT_USAGE;
        }
        try {
            return command.run(rest, out, err);
        } catch (UsageException e) {
            err.println("mobula " + command.name() + ": " + e.getMessage());
            err.println("usage: mobula " + command.usage());
            return EXIT_USAGE;
        } catch (Exception e) {
            err.println("mobula " + command.name() + ": " + e);
            return 1;
        }
    }

    private void usage(PrintStream out) {
        out.println("usage: mobula <command> [args]");
        out.println();
        out.println("commands:");
        int width = Math.max(9, commands.keySet().stream().mapToInt(String::length).max().orElse(0));
        for (CliCommand command : commands.values()) {
            out.printf("  %-" + width + "s  %s%n", command.name(), command.summary());
        }
        out.printf("  %-" + width + "s  %s%n", "help", "show this help, or a command's usage: help <command>");
        out.printf("  %-" + width + "s  %s%n", "--version", "print the version");
    }
}
