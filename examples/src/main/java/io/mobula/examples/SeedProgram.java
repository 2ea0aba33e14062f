package io.mobula.examples;

import io.mobula.Mobula;

/**
 * One of the seed programs: a small workload that exercises one part of the API (tasks, actors,
 * refs as arguments, the object store, nested calls) and checks its own answer.
 * <p>
 * A program runs on a {@link Mobula} it is given and never closes it, so a test or the demo can
 * run several programs on one node.
 */
public interface SeedProgram<R extends SeedResult> {
    /** A short lower-case name, used by {@code demo --only NAME}. */
    String name();

    /** One line: what the program does. */
    String summary();

    /** Runs the program to completion and returns what it found. */
    R run(Mobula mobula) throws Exception;
}
