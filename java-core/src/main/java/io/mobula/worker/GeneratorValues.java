package io.mobula.worker;

import java.util.Iterator;
import java.util.stream.BaseStream;

import io.mobula.MobulaException;

/**
 * What a streaming generator task's function returned, as the iterator of its values: the same rule
 * where the task runs on a node's thread and where it runs in a worker process.
 */
public final class GeneratorValues {
    private GeneratorValues() {
    }

    /**
     * @param task the task's name, for the error.
     * @throws MobulaException if {@code returned} is no {@link Iterator}, {@link Iterable} or stream.
     */
    public static Iterator<?> iteratorOf(String task, Object returned) {
        return switch (returned) {
            case Iterator<?> iterator -> iterator;
            case Iterable<?> iterable -> iterable.iterator();
            case BaseStream<?, ?> stream -> stream.iterator();
            case null, default -> throw new MobulaException(task + " was submitted as a generator (remoteGenerator()) but "
                + "returned " + (returned == null ? "null" : "a " + returned.getClass().getName()) + "; return an Iterator, "
                + "an Iterable or a Stream of its values, or submit it with remote()");
        };
    }
}
