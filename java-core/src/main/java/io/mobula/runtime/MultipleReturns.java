package io.mobula.runtime;

import java.lang.reflect.Array;
import java.util.List;

import io.mobula.ObjectFreedException;
import io.mobula.ReturnCountException;

/**
 * A task of several returns ({@code numReturns(n)}): its results after the first, made with the
 * task, and the value it returned split into one stored form per result.
 */
final class MultipleReturns {
    private MultipleReturns() {
    }

    /** Gives {@code task} its results after the first, all made by it. */
    static void prepare(NodeRuntime runtime, TaskSpec task, int numReturns) {
        ObjectEntry[] more = new ObjectEntry[numReturns - 1];
        for (int i = 0; i < more.length; i++) {
            more[i] = new ObjectEntry(runtime.newObjectId());
            more[i].producer(task);
        }
        task.moreResults = more;
        // Work that fails before it runs (refused by the scheduler, a node closing) completes only the
        // first result: its failure reaches the others. A free of the first is that ref's alone.
        ObjectEntry first = task.result;
        first.whenReady(() -> {
            if (first.stored() instanceof StoredValues.Failed failed && !(failed.error() instanceof ObjectFreedException)) {
                for (ObjectEntry entry : more) {
                    entry.complete(failed);
                }
            }
        });
    }

    /**
     * The value a task of several returns returned, as one stored form per result.
     *
     * @throws ReturnCountException if it is no list or array, or one of another length.
     */
    static Object[] marshalEach(NodeRuntime runtime, TaskSpec task, Object value) {
        ObjectEntry[] results = task.results();
        Object[] values = valuesOf(task, value, results.length);
        Object[] stored = new Object[results.length];
        for (int i = 0; i < results.length; i++) {
            stored[i] = runtime.marshaller().marshal(values[i], results[i].id());
        }
        return stored;
    }

    private static Object[] valuesOf(TaskSpec task, Object value, int expected) {
        if (value instanceof RemoteValue remote) {
            value = remote.read(); // a connected driver's: the whole came back living on a node
        }
        Object[] values;
        if (value instanceof List<?> list) {
            values = list.toArray();
        } else if (value != null && value.getClass().isArray()) {
            values = new Object[Array.getLength(value)];
            for (int i = 0; i < values.length; i++) {
                values[i] = Array.get(value, i);
            }
        } else {
            throw new ReturnCountException(task.displayName() + " was submitted with numReturns(" + expected + ") but returned "
                + (value == null ? "null" : "a " + value.getClass().getName()) + ", not a List or an array of " + expected
                + " values; return exactly " + expected + " values in a List or an array", expected, -1);
        }
        if (values.length != expected) {
            throw new ReturnCountException(task.displayName() + " was submitted with numReturns(" + expected + ") but returned "
                + values.length + " values; return exactly " + expected + ", or submit it with numReturns(" + values.length + ")",
                expected, values.length);
        }
        return values;
    }
}
