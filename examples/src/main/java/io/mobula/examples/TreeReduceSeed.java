package io.mobula.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import io.mobula.Mobula;
import io.mobula.ObjectRef;

/**
 * Seed 4: the same sum of 1..{@value #COUNT} two ways, with an add that takes half a second.
 * Chained, {@code (((1+2)+3)+...)}, every add waits for the one before: {@value #COUNT} - 1 rounds.
 * Balanced, pairs are added in rounds, each round's adds in parallel: log2({@value #COUNT}) rounds.
 * Both submit every task at once and pass refs along, so the scheduler alone decides what can run
 * in parallel; the driver only waits for the final ref. Needs {@value #COUNT}/2 free CPUs to show
 * the speed-up.
 */
public final class TreeReduceSeed implements SeedProgram<TreeReduceSeed.Result> {
    static final int COUNT = 8;

    public record Result(int chainedSum, long chainedNanos, int balancedSum, long balancedNanos, int balancedRounds)
        implements SeedResult {
        public static final int EXPECTED_SUM = COUNT * (COUNT + 1) / 2;

        @Override
        public boolean verified() {
            return chainedSum == EXPECTED_SUM && balancedSum == EXPECTED_SUM && balancedNanos < chainedNanos;
        }

        @Override
        public List<String> describe() {
            return List.of(
                "chained  (" + (COUNT - 1) + " rounds): sum " + chainedSum + " in " + Durations.seconds(chainedNanos),
                "balanced (" + balancedRounds + " rounds): sum " + balancedSum + " in " + Durations.seconds(balancedNanos),
                "each add sleeps " + SlowMath.ADD_MILLIS + " ms; expected sum " + EXPECTED_SUM);
        }
    }

    @Override
    public String name() {
        return "tree-reduce";
    }

    @Override
    public String summary() {
        return "sum 1..8 with a slow add: chained vs balanced tree";
    }

    @Override
    public Result run(Mobula mobula) {
        long start = System.nanoTime();
        int chained = chained(mobula).get();
        long chainedNanos = System.nanoTime() - start;

        start = System.nanoTime();
        List<Object> level = new ArrayList<>(IntStream.rangeClosed(1, COUNT).boxed().toList());
        int rounds = 0;
        while (level.size() > 1) {
            level = addPairs(mobula, level);
            rounds++;
        }
        int balanced = mobula.get(asRef(level.get(0)));
        long balancedNanos = System.nanoTime() - start;
        return new Result(chained, chainedNanos, balanced, balancedNanos, rounds);
    }

    /** {@code add(...add(add(1, 2), 3)..., COUNT)}: each add takes the previous one's ref. */
    private static ObjectRef<Integer> chained(Mobula mobula) {
        ObjectRef<Integer> sum = mobula.task(SlowMath::add, 1, 2).remote();
        for (int i = 3; i <= COUNT; i++) {
            sum = mobula.task(SlowMath::add, sum, i).remote();
        }
        return sum;
    }

    /**
     * One round of the balanced reduction: adds neighbours pairwise (an odd one out moves up as
     * it is). Elements are plain values in the first round and refs after it.
     */
    private static List<Object> addPairs(Mobula mobula, List<Object> level) {
        List<Object> next = new ArrayList<>((level.size() + 1) / 2);
        for (int i = 0; i + 1 < level.size(); i += 2) {
            next.add(mobula.task(SlowMath::add, level.get(i), level.get(i + 1)).remote());
        }
        if (level.size() % 2 == 1) {
            next.add(level.get(level.size() - 1));
        }
        return next;
    }

    @SuppressWarnings("unchecked")
    private static ObjectRef<Integer> asRef(Object element) {
        return (ObjectRef<Integer>) element;
    }
}
