package io.mobula.worker;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.mobula.jvm.JvmFlags;

/**
 * The command line that starts another JVM like this one (same binary, the runtime's flags, the
 * same class path) running a main class: how node daemons, worker JVMs and submitted programs are
 * started, so they see the classes and have the native access this process has. The flags of
 * {@link JvmFlags} are added where this JVM was started without them (a program run from jars with
 * a plain {@code java -cp}), so the JVMs it starts need nothing from the command that started it.
 */
public final class JvmCommand {
    private JvmCommand() {
    }

    public static List<String> of(Class<?> main, List<String> args) {
        return of(main.getName(), System.getProperty("java.class.path"), List.of(), args);
    }

    /** A JVM like this one running {@code mainClass} from {@code classPath}, with extra JVM options. */
    public static List<String> of(String mainClass, String classPath, List<String> jvmOptions, List<String> args) {
        return startedWith(ManagementFactory.getRuntimeMXBean().getInputArguments(), mainClass, classPath,
            jvmOptions, args);
    }

    /** As {@link #of(String, String, List, List)} for a JVM started with {@code inherited} input arguments. */
    static List<String> startedWith(List<String> inherited, String mainClass, String classPath,
                                    List<String> jvmOptions, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String flag : inherited) {
            if (flag.startsWith("--") || flag.startsWith("-X") || flag.startsWith("-Dmobula.")) {
                command.add(flag);
            }
        }
        // The JVM reports each flag in the one-word form jvm.flags uses, so equality finds them.
        for (String flag : JvmFlags.all()) {
            if (!inherited.contains(flag)) {
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
