package io.mobula.node;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that starts another JVM like this one (same binary, the runtime's flags, the
 * same class path) running {@code main}: how node daemons and worker JVMs are started, so they see
 * the classes and have the native access this process has.
 */
public final class JvmCommand {
    private JvmCommand() {
    }

    public static List<String> of(Class<?> main, List<String> args) {
        return of(main.getName(), System.getProperty("java.class.path"), List.of(), args);
    }

    /** A JVM like this one running {@code mainClass} from {@code classPath}, with extra JVM options. */
    public static List<String> of(String mainClass, String classPath, List<String> jvmOptions, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (flag.startsWith("--") || flag.startsWith("-X") || flag.startsWith("-Dmobula.")) {
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
