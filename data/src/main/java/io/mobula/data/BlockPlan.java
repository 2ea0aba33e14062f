package io.mobula.data;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.Serializable;
import java.util.List;
import java.util.stream.Stream;


/**
 * What a block task does to its block, all of it: merge the shuffle pieces it was given (when the
 * block is a shuffle partition), run the pipeline's steps, finish with the terminal.
 * <p>
 * A plan travels to its tasks as bytes in Java serialization: the user's functions are
 * serializable lambdas ({@link io.mobula.function.Func1} and friends), and Java serialization is
 * what writes a lambda as its {@link java.lang.invoke.SerializedLambda} (the class and method that
 * implement it, plus its captured values) and rebuilds it through the capturing class. So a
 * function may capture values, as long as they are serializable; and the class that defines it
 * must be on the class path where the task runs. The driver encodes the plan once per action, and
 * every task of the action gets the same bytes.
 */
public record BlockPlan(ShuffleSpec reducer, List<Stage> stages, Terminal terminal) implements Serializable {

    /** Runs the plan over a block's rows (closing the stream). */
    public Object run(Stream<Object> rows, int block, String where) {
        try (Stream<Object> source = rows) {
            Stream<Object> current = source;
            for (int i = 0; i < stages.size(); i++) {
                current = stages.get(i).apply(current, i + 1, where);
            }
            return terminal.finish(current, block, where);
        }
    }

    /**
     * The plan as bytes.
     *
     * @throws UnserializableFunctionException when a function or something it captures is not serializable.
     */
    public byte[] encode() {
        try {
            return JavaSerial.encode(this);
        } catch (NotSerializableException e) {
            throw new UnserializableFunctionException("a function given to the dataset cannot travel to its tasks: it "
                + "captures a " + e.getMessage() + ", which is not serializable; capture only serializable values "
                + "(or make the class Serializable), or pass a static method reference (MyFunctions::parse)", e);
        } catch (IOException e) {
            throw new UnserializableFunctionException("a function given to the dataset cannot be serialized: " + e, e);
        }
    }

    /**
     * The plan from its bytes, resolving classes through the thread's context class loader where
     * there is one, else this library's.
     */
    public static BlockPlan decode(byte[] bytes) {
        try {
            return (BlockPlan) JavaSerial.decode(bytes);
        } catch (ClassNotFoundException e) {
            throw new DataException("a task cannot load the class " + e.getMessage() + " of a dataset function; put the "
                + "classes that define the functions on the class path of every node that runs the work", e);
        } catch (IOException | RuntimeException e) {
            throw new DataException("a task cannot rebuild the dataset's functions: " + e
                + "; the driver and the node must run the same build of the classes that define them", e);
        }
    }
}
