package io.mobula.benchmarks.jmh;

import java.util.ArrayList;
import java.util.List;

import org.openjdk.jmh.Main;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import io.mobula.jvm.JvmFlags;

/**
 * The settings every Mobula JMH benchmark shares (JMH reads them from the superclass): one fork,
 * three one-second warm-ups, five one-second measurements; and the entry point that runs them,
 * taking JMH's own command line: {@code java -cp ... io.mobula.benchmarks.jmh.MobulaJmh [JMH options]}.
 * <p>
 * The fork's flags are not in {@code @Fork}: an annotation holds only constants, and the flags
 * every Mobula JVM needs come from {@link JvmFlags}, so {@link #main} appends them to the forks.
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public abstract class MobulaJmh {
    public static void main(String[] args) throws Exception {
        CommandLineOptions given = new CommandLineOptions(args);
        if (given.shouldHelp() || given.shouldList() || given.shouldListWithParams() || given.shouldListProfilers()
            || given.shouldListResultFormats()) {
            Main.main(args); // these start no fork
            return;
        }
        List<String> append = new ArrayList<>(JvmFlags.all());
        append.addAll(given.getJvmArgsAppend().orElse(List.of()));
        new Runner(new OptionsBuilder().parent(given).jvmArgsAppend(append.toArray(String[]::new)).build()).run();
    }
}
