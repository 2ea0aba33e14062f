package io.mobula.data;

import java.io.Serializable;
import java.util.Iterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import io.mobula.function.Func1;

/**
 * One narrow step of a pipeline (no data moves between blocks): applied inside the task that holds
 * the block, lazily, one row at a time (except {@link MapPartitions}, which sees the block's rows
 * as one iterator). The user's function travels inside the step, serialized.
 */
public sealed interface Stage extends Serializable {
    /** What the step is, for messages: {@code map}, {@code filter}... */
    String kind();

    /** This step applied to a block's rows; {@code where} names the block for error messages. */
    Stream<Object> apply(Stream<Object> rows, int step, String where);

    record Map(Func1<Object, Object> function) implements Stage {
        @Override
        public String kind() {
            return "map";
        }

        @Override
        public Stream<Object> apply(Stream<Object> rows, int step, String where) {
            return rows.map(row -> call(function, row, this, step, where));
        }
    }

    record Filter(Func1<Object, Boolean> predicate) implements Stage {
        @Override
        public String kind() {
            return "filter";
        }

        @Override
        public Stream<Object> apply(Stream<Object> rows, int step, String where) {
            return rows.filter(row -> {
                Boolean keep = call(predicate, row, this, step, where);
                if (keep == null) {
                    throw new DataFunctionException("the filter function (step " + step + ") returned null for a row of " + where
                        + "; return true or false", new NullPointerException());
                }
                return keep;
            });
        }
    }

    record FlatMap(Func1<Object, Iterable<Object>> function) implements Stage {
        @Override
        public String kind() {
            return "flatMap";
        }

        @Override
        public Stream<Object> apply(Stream<Object> rows, int step, String where) {
            return rows.flatMap(row -> {
                Iterable<Object> out = call(function, row, this, step, where);
                return out == null ? Stream.empty() : StreamSupport.stream(out.spliterator(), false);
            });
        }
    }

    record MapPartitions(Func1<Iterator<Object>, Iterator<Object>> function) implements Stage {
        @Override
        public String kind() {
            return "mapPartitions";
        }

        @Override
        public Stream<Object> apply(Stream<Object> rows, int step, String where) {
            Iterator<Object> out = call(function, rows.iterator(), this, step, where);
            if (out == null) {
                throw new DataFunctionException("the mapPartitions function (step " + step + ") returned null for " + where
                    + "; return an iterator (an empty one for no rows)", new NullPointerException());
            }
            return StreamSupport.stream(Spliterators.spliteratorUnknownSize(out, Spliterator.ORDERED), false)
                .onClose(rows::close);
        }
    }

    private static <A, R> R call(Func1<A, R> function, A row, Stage stage, int step, String where) {
        try {
            return function.apply(row);
        } catch (DataFunctionException e) {
            throw e;
        } catch (Exception e) {
            throw new DataFunctionException("the " + stage.kind() + " function (step " + step + " of the pipeline) threw on "
                + where + ": " + e, e);
        }
    }
}
