package io.mobula.data.examples;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Counting words, as pure functions that serve both as tasks and as the sequential reference.
 * <p>
 * A <em>word</em> here is a maximal run of the letters {@code a-z} after the text is lower-cased
 * (in {@link Locale#ROOT}); everything else separates words. So {@code "Don't"} counts as
 * {@code don} and {@code t}, and digits never appear in words. Because a line break is a
 * separator, any split of a text at line breaks counts the same words as the whole text.
 */
public final class WordCounts {
    private WordCounts() {
    }

    /** A word and how often it occurs. */
    public record WordCount(String word, long count) {
    }

    /** A task function (the map step): how often each word occurs in {@code text}. */
    public static Map<String, Long> count(String text) {
        Map<String, Long> counts = new HashMap<>();
        for (String word : words(text)) {
            counts.merge(word, 1L, Long::sum);
        }
        return counts;
    }

    /** The words of {@code text} in order, lower-cased (a dataset's {@code flatMap} step). */
    public static List<String> words(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        List<String> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= lower.length(); i++) {
            boolean letter = i < lower.length() && lower.charAt(i) >= 'a' && lower.charAt(i) <= 'z';
            if (letter && start < 0) {
                start = i;
            } else if (!letter && start >= 0) {
                words.add(lower.substring(start, i));
                start = -1;
            }
        }
        return words;
    }

    /** A task function (the reduce step): the sum of two counts, word by word. */
    public static Map<String, Long> merge(Map<String, Long> a, Map<String, Long> b) {
        Map<String, Long> sum = new HashMap<>(a);
        b.forEach((word, count) -> sum.merge(word, count, Long::sum));
        return sum;
    }

    /** The {@code n} most frequent words, most frequent first; ties in alphabetical order. */
    public static List<WordCount> top(Map<String, Long> counts, int n) {
        return counts.entrySet().stream()
            .map(entry -> new WordCount(entry.getKey(), entry.getValue()))
            .sorted(Comparator.comparingLong(WordCount::count).reversed().thenComparing(WordCount::word))
            .limit(n)
            .toList();
    }

    /** The total number of words counted. */
    public static long total(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }
}
