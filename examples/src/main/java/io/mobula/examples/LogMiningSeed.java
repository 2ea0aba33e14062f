package io.mobula.examples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.mobula.Mobula;
import io.mobula.ObjectRef;

/**
 * Seed 6: interactive log mining, in the manner of Spark's classic example. One task per log
 * selects the {@code ERROR} lines by their level field and extracts their messages; the driver
 * {@code put}s the combined list into the object store once (the "cache"), and then one task per
 * query word counts the messages containing it, each reading the cached list rather than the
 * logs. The counts must equal a plain sequential computation.
 */
public final class LogMiningSeed implements SeedProgram<LogMiningSeed.Result> {
    /** Words that occur in the ERROR messages: database, message-bus and Kafka replication trouble. */
    static final List<String> QUERIES = List.of("model server", "NOT_FOUND", "Exchange", "Leader", "offset");

    public record Result(Map<String, Integer> messagesPerLog, Map<String, Long> counts, Map<String, Long> sequential)
        implements SeedResult {
        @Override
        public boolean verified() {
            return counts.equals(sequential);
        }

        @Override
        public List<String> describe() {
            List<String> lines = new ArrayList<>();
            messagesPerLog.forEach((log, n) -> lines.add(String.format(Locale.ROOT, "%-33s %3d ERROR messages", log, n)));
            lines.add("messages containing (one task per word, over the cached list):");
            counts.forEach((word, n) -> lines.add(String.format(Locale.ROOT, "  %-14s %3d", '"' + word + '"', n)));
            lines.add("equals the sequential computation: " + (verified() ? "yes" : "NO"));
            return lines;
        }
    }

    @Override
    public String name() {
        return "logmining";
    }

    @Override
    public String summary() {
        return "ERROR messages of two logs, cached once, queried by tasks";
    }

    @Override
    public Result run(Mobula mobula) {
        List<ObjectRef<List<String>>> perLog = new ArrayList<>();
        for (LeveledLog log : LeveledLog.SHIPPED) {
            perLog.add(mobula.task(LogMining::errorMessages, log.resource(), log.format()).remote());
        }
        Map<String, Integer> messagesPerLog = new LinkedHashMap<>();
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < perLog.size(); i++) {
            List<String> found = perLog.get(i).get();
            messagesPerLog.put(LeveledLog.SHIPPED.get(i).fileName(), found.size());
            messages.addAll(found);
        }
        ObjectRef<List<String>> cache = mobula.put(messages);

        Map<String, ObjectRef<Long>> pending = new LinkedHashMap<>();
        for (String word : QUERIES) {
            pending.put(word, mobula.task(LogMining::countContaining, cache, word).remote());
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        pending.forEach((word, ref) -> counts.put(word, ref.get()));
        return new Result(messagesPerLog, counts, sequential());
    }

    /** The same answer without the runtime: read, filter and count in this thread. */
    static Map<String, Long> sequential() {
        List<String> messages = new ArrayList<>();
        for (LeveledLog log : LeveledLog.SHIPPED) {
            messages.addAll(LogMining.errorMessages(log.resource(), log.format()));
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String word : QUERIES) {
            counts.put(word, LogMining.countContaining(messages, word));
        }
        return counts;
    }
}
