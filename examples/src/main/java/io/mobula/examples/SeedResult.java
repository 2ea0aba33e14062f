package io.mobula.examples;

import java.util.List;

/**
 * What a seed program found, in a form both a test and a person can check: a yes/no verdict
 * against an independent computation, and a few lines that say what was computed.
 */
public interface SeedResult {
    /** True when the distributed answer matches the expected one (direct, sequential or known). */
    boolean verified();

    /** A few short lines for people, without indentation or trailing newlines. */
    List<String> describe();
}
