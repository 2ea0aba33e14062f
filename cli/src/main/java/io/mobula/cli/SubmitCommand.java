package io.mobula.cli;

import io.mobula.command.Flags;
import io.mobula.command.UsageException;
import io.mobula.command.CliCommand;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.mobula.worker.JvmCommand;
import io.mobula.cluster.host.StateDirectory;

/**
 * {@code mobula submit --address HOST:PORT --jar app.jar [--jar lib.jar ...] --class Main [args]}:
 * runs a program as a driver of the cluster. It starts a JVM with Mobula and the jars on its class
 * path and {@code MOBULA_ADDRESS} set, so the program's {@code Mobula.init()} connects; the jars are
 * the job's class path, sent to the node it connects to (and from there to any node its work goes
 * to), so the job runs on hosts where it was never installed. The program's output is this
 * command's, and its exit status too.
 */
public final class SubmitCommand implements CliCommand {
    @Override
    public String name() {
        return "submit";
    }

    @Override
    public String summary() {
        return "run a program (its jars and main class) as a driver of the cluster at --address";
    }

    @Override
    public String usage() {
        return "submit --address HOST:PORT --jar APP.jar [--jar LIB.jar ...] --class MAIN [ARGS...]";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        String address = null;
        String mainClass = null;
        List<Path> jars = new ArrayList<>();
        int i = 0;
        for (; i < args.size() && mainClass == null; i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--address" -> {
                    address = Flags.value(args, ++i, arg);
                    try {
                        io.mobula.transport.AeronChannels.parseAddress(address);
                    } catch (IllegalArgumentException e) {
                        throw new UsageException(e.getMessage());
                    }
                }
                case "--jar" -> {
                    Path jar = Path.of(Flags.value(args, ++i, arg)).toAbsolutePath();
                    if (!Files.isRegularFile(jar) || !Files.isReadable(jar)) {
                        throw new UsageException("--jar " + jar + " is not a readable file");
                    }
                    jars.add(jar);
                }
                case "--class" -> mainClass = Flags.value(args, ++i, arg);
                default -> throw new UsageException("unknown argument '" + arg + "' (the program's own arguments go after --class MAIN)");
            }
        }
        if (address == null || jars.isEmpty() || mainClass == null) {
            throw new UsageException("say --address HOST:PORT, at least one --jar and --class MAIN");
        }
        List<String> programArgs = args.subList(i, args.size());
        StringBuilder jobPath = new StringBuilder();
        for (Path jar : jars) {
            jobPath.append(jobPath.isEmpty() ? "" : File.pathSeparator).append(jar);
        }
        String classPath = System.getProperty("java.class.path") + File.pathSeparator + jobPath;
        // the program finds the cluster's secret where this command does
        String home = StateDirectory.fromEnvironment().root().toString();
        ProcessBuilder builder = new ProcessBuilder(JvmCommand.of(mainClass, classPath,
            List.of("-Dmobula.job.jars=" + jobPath, "-Dmobula.home=" + home), programArgs));
        builder.environment().put("MOBULA_ADDRESS", address);
        Process program = builder.redirectInput(ProcessBuilder.Redirect.INHERIT).start();
        Thread copyOut = copy(program.getInputStream(), out);
        Thread copyErr = copy(program.getErrorStream(), err);
        int status = program.waitFor();
        copyOut.join();
        copyErr.join();
        return status;
    }

    private static Thread copy(InputStream from, PrintStream to) {
        Thread t = new Thread(() -> {
            try {
                from.transferTo(to);
                to.flush();
            } catch (IOException e) {
                // the program is gone
            }
        }, "mobula-submit-output");
        t.start();
        return t;
    }
}
