package io.mobula.examples;

import java.util.List;

import io.mobula.data.examples.LogFormat;

/** The steps of the log-mining seed, as pure functions that serve both as tasks and as the reference. */
public final class LogMining {
    /** The level whose messages are mined. */
    public static final String LEVEL = "ERROR";

    private LogMining() {
    }

    /**
     * A task function: the messages of the {@value #LEVEL} lines of a shipped log, in file order.
     * It reads the file itself, from the class path, so only its name travels.
     */
    public static List<String> errorMessages(String resource, LogFormat format) {
        return ExampleData.lines(resource).stream()
            .filter(line -> LEVEL.equals(format.level(line)))
            .map(format::message)
            .toList();
    }

    /** A task function: how many messages contain {@code word} (case-sensitive substring). */
    public static long countContaining(List<String> messages, String word) {
        return messages.stream().filter(message -> message.contains(word)).count();
    }
}
