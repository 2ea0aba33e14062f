package io.mobula.data.examples;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.mobula.Mobula;
import io.mobula.command.ExampleProgram;
import io.mobula.command.Flags;
import io.mobula.command.UsageException;
import io.mobula.data.Dataset;
import io.mobula.data.Pair;
import io.mobula.data.ReadOptions;

/**
 * {@code mobula run wordcount}: counts the words of a text file or folder (default: Tiny
 * Shakespeare, shipped) with a {@link Dataset}: its lines in blocks, each block's words
 * ({@link WordCounts#words}, the seed's definition of a word), then a shuffle that sums each word's
 * count. Prints the totals and the most frequent words.
 */
public final class WordCountProgram implements ExampleProgram {
    /** Blocks of the shipped text are small, so even it runs as several tasks. */
    static final long BLOCK_BYTES = 128 * 1024;

    @Override
    public String name() {
        return "wordcount";
    }

    @Override
    public String summary() {
        return "word count with the data library (Dataset: read, flatMap, reduceByKey) over Tiny Shakespeare or --data";
    }

    @Override
    public String usage() {
        return "[--data FILE|FOLDER] [--top N] [--address HOST:PORT]";
    }

    /** Every word of the text under {@code path} and how often it occurs. */
    public static Map<String, Long> count(Mobula mobula, Path path, Dataset.ProgressListener progress) {
        List<Pair<String, Long>> pairs = Dataset.readText(mobula, List.of(path), ReadOptions.defaults().blockBytes(BLOCK_BYTES))
            .onProgress(progress)
            .flatMap(WordCounts::words)
            .reduceByKey(word -> word, word -> 1L, Long::sum)
            .collect();
        Map<String, Long> counts = new HashMap<>(pairs.size() * 2);
        for (Pair<String, Long> pair : pairs) {
            counts.put(pair.key(), pair.value());
        }
        return counts;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Path data = null;
        int top = 10;
        String address = null;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--data" -> data = Path.of(Flags.value(args, ++i, "--data"));
                case "--top" -> top = (int) Math.min(Integer.MAX_VALUE, Flags.positive(Flags.value(args, ++i, "--top"), "--top"));
                case "--address" -> address = Flags.value(args, ++i, "--address");
                default -> throw new UsageException("unknown flag '" + args.get(i) + "'");
            }
        }
        Path input = data != null ? data : ShippedText.path(ShippedText.SHAKESPEARE);
        long started = System.nanoTime();
        Map<String, Long> counts;
        try (Mobula mobula = address == null ? Mobula.init() : Mobula.init(address)) {
            counts = count(mobula, input, new ProgressLine(err, "wordcount"));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        out.printf(Locale.ROOT, "%s: %,d words, %,d distinct (%.2f s)%n", data != null ? data : "Tiny Shakespeare",
            WordCounts.total(counts), counts.size(), seconds);
        List<WordCounts.WordCount> most = WordCounts.top(counts, top);
        for (int i = 0; i < most.size(); i++) {
            out.printf(Locale.ROOT, "  %3d. %-16s %,9d%n", i + 1, most.get(i).word(), most.get(i).count());
        }
        return 0;
    }
}
