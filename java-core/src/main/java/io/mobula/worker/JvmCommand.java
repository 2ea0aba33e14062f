package io.mobula.worker;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that starts another JVM like this one (same binary, the runtime's flags, the
 * same class path) running a main class: how node daemons, worker JVMs and submitted programs are
 * started, so they see the classes and have the native access this process has. The flags the
 * runtime cannot work without are added where this JVM was started without them.
 */
public final class JvmCommand {
    private static final List<String> REQUIRED_FLAGS = List.of("--enable-native-access=ALL-UNNAMED",
        "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens", "java.base/java.nio=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow");

    private JvmCommand() {
    }

    public static List<String> of(Class<?> main, List<String> args) {
        return of(main.getName(), System.getProperty("java.class.path"), List.of(), args);
    }

    /** A JVM like this one running {@code mainClass} from {@code classPath}, with extra JVM options. */
    public static List<String> of(String mainClass, String classPath, List<String> jvmOptions, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        List<String> inherited = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (String flag : inherited) {
            if (flag.startsWith("--") || flag.startsWith("-X") || flag.startsWith("-Dmobula.")) {
                command.add(flag);
            }
        }
        String given = String.join(" ", inherited);
        for (int i = 0; i < REQUIRED_FLAGS.size(); i++) {
            String flag = REQUIRED_FLAGS.get(i);
            if (flag.equals("--add-opens")) {
                String target = REQUIRED_FLAGS.get(++i);
                if (!given.contains(target)) {
                    command.add(flag);
                    command.add(target);
                }
            } else if (!inherited.contains(flag)) {
                command.add(flag);
            }
        }
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass);
        command.addAll(args);
        return command;
    }
}
