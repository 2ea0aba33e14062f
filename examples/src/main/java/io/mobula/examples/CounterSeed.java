package io.mobula.examples;

import java.util.List;

import io.mobula.ActorHandle;
import io.mobula.Mobula;
import io.mobula.ObjectRef;

/**
 * Seed 2: a {@link Counter} actor gets two {@code inc} calls before either result is read. The
 * actor keeps its state between calls and runs them in submission order, so the results are 1, 2.
 */
public final class CounterSeed implements SeedProgram<CounterSeed.Result> {

    public record Result(List<Integer> values) implements SeedResult {
        @Override
        public boolean verified() {
            return values.equals(List.of(1, 2));
        }

        @Override
        public List<String> describe() {
            return List.of("inc(), inc() on one actor -> " + values + " (expected [1, 2])");
        }
    }

    @Override
    public String name() {
        return "counter";
    }

    @Override
    public String summary() {
        return "an actor holding state: two inc calls";
    }

    @Override
    public Result run(Mobula mobula) {
        ActorHandle<Counter> counter = mobula.actor(Counter::new).remote();
        ObjectRef<Integer> first = counter.task(Counter::inc).remote();
        ObjectRef<Integer> second = counter.task(Counter::inc).remote();
        Result result = new Result(mobula.get(List.of(first, second)));
        mobula.kill(counter);
        return result;
    }
}
