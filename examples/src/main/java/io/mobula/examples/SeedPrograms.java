package io.mobula.examples;

import java.util.List;
import java.util.Optional;

/** The six seed programs, in the order the demo runs them. */
public final class SeedPrograms {
    private SeedPrograms() {
    }

    public static List<SeedProgram<?>> all() {
        return List.of(new ArrayAddSeed(), new CounterSeed(), new ParameterServerSeed(), new TreeReduceSeed(),
            new WordCountSeed(), new LogMiningSeed());
    }

    /** The program called {@code name} (ignoring case), if there is one. */
    public static Optional<SeedProgram<?>> named(String name) {
        return all().stream().filter(program -> program.name().equalsIgnoreCase(name)).findFirst();
    }
}
