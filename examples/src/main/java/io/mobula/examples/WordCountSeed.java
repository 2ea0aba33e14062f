package io.mobula.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.mobula.Mobula;
import io.mobula.ObjectRef;
import io.mobula.data.examples.WordCounts;

/**
 * Seed 5: word count as map/reduce over Tiny Shakespeare. The driver cuts the text into
 * {@value #BLOCKS} blocks of whole lines; a map task counts each block's words
 * ({@link WordCounts#count}); merge tasks combine the counts pairwise in a tree, taking the map
 * tasks' refs, so the partial counts never pass through the driver. The result must equal a plain
 * sequential count of the whole text.
 */
public final class WordCountSeed implements SeedProgram<WordCountSeed.Result> {
    static final int BLOCKS = 8;
    static final int TOP = 10;

    public record Result(Map<String, Long> counts, Map<String, Long> sequential, int blocks) implements SeedResult {
        @Override
        public boolean verified() {
            return counts.equals(sequential);
        }

        @Override
        public List<String> describe() {
            List<String> lines = new ArrayList<>();
            lines.add(String.format(Locale.ROOT, "%d map tasks, %d merge tasks: %,d words, %,d distinct", blocks, blocks - 1,
                WordCounts.total(counts), counts.size()));
            lines.add("top " + TOP + ":");
            List<WordCounts.WordCount> top = WordCounts.top(counts, TOP);
            for (int i = 0; i < top.size(); i++) {
                lines.add(String.format(Locale.ROOT, "  %2d. %-8s %,7d", i + 1, top.get(i).word(), top.get(i).count()));
            }
            lines.add("equals the sequential count: " + (verified() ? "yes" : "NO"));
            return lines;
        }
    }

    @Override
    public String name() {
        return "wordcount";
    }

    @Override
    public String summary() {
        return "map/reduce word count over Tiny Shakespeare";
    }

    @Override
    public Result run(Mobula mobula) {
        String text = ExampleData.text(ExampleData.SHAKESPEARE);
        List<ObjectRef<Map<String, Long>>> partial = new ArrayList<>();
        for (String block : blocks(text, BLOCKS)) {
            partial.add(mobula.task(WordCounts::count, block).remote());
        }
        while (partial.size() > 1) {
            List<ObjectRef<Map<String, Long>>> merged = new ArrayList<>();
            for (int i = 0; i + 1 < partial.size(); i += 2) {
                merged.add(mobula.task(WordCounts::merge, partial.get(i), partial.get(i + 1)).remote());
            }
            if (partial.size() % 2 == 1) {
                merged.add(partial.get(partial.size() - 1));
            }
            partial = merged;
        }
        return new Result(partial.get(0).get(), WordCounts.count(text), BLOCKS);
    }

    /** Cuts {@code text} into {@code count} blocks of consecutive whole lines, as equal as can be. */
    static List<String> blocks(String text, int count) {
        List<String> lines = text.lines().toList();
        List<String> blocks = new ArrayList<>(count);
        for (int b = 0; b < count; b++) {
            int from = (int) ((long) lines.size() * b / count);
            int to = (int) ((long) lines.size() * (b + 1) / count);
            blocks.add(String.join("\n", lines.subList(from, to)));
        }
        return blocks;
    }
}
