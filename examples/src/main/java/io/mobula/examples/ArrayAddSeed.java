package io.mobula.examples;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.mobula.Mobula;
import io.mobula.ObjectRef;

/**
 * Seed 1: two tasks read an array each, a third adds them, taking the first two's refs as its
 * arguments, so the arrays go from task to task through the object store without the driver
 * touching them. The driver then checks the sum against one computed directly, in its own thread.
 */
public final class ArrayAddSeed implements SeedProgram<ArrayAddSeed.Result> {

    /** The sum the tasks computed and the one computed directly; they must be equal bit for bit. */
    public record Result(double[] sum, double[] direct) implements SeedResult {
        @Override
        public boolean verified() {
            return Arrays.equals(sum, direct);
        }

        @Override
        public List<String> describe() {
            return List.of(
                String.format(Locale.ROOT, "a + b over %d doubles (%d KiB each, passed by ref)", sum.length, sum.length * 8L / 1024),
                String.format(Locale.ROOT, "sum[0..2] = %.6f, %.6f, %.6f", sum[0], sum[1], sum[2]),
                "equals the direct computation: " + (verified() ? "yes" : "NO"));
        }
    }

    @Override
    public String name() {
        return "array-add";
    }

    @Override
    public String summary() {
        return "read_array x2, then add on their refs";
    }

    @Override
    public Result run(Mobula mobula) {
        ObjectRef<double[]> a = mobula.task(ArrayFiles::read, ExampleData.ARRAY_A).remote();
        ObjectRef<double[]> b = mobula.task(ArrayFiles::read, ExampleData.ARRAY_B).remote();
        ObjectRef<double[]> sum = mobula.task(ArrayMath::add, a, b).remote();
        double[] direct = ArrayMath.add(ArrayFiles.read(ExampleData.ARRAY_A), ArrayFiles.read(ExampleData.ARRAY_B));
        return new Result(sum.get(), direct);
    }
}
