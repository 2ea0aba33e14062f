package io.mobula.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;

import io.mobula.function.Func1;
import io.mobula.function.Func2;

/**
 * A hash-partitioned shuffle: rows go to partition {@code floorMod(hash(key), partitions)}. With a
 * {@code combine} function it reduces each key's values (in the map task first, so only one value
 * per key and block moves, then across blocks in the partition's task); without one it gathers
 * each key's values into a list.
 * <p>
 * Keys must hash the same in every process that runs a task (strings, numbers, records and lists
 * of those do; an enum's or a plain object's identity hash does not, across processes).
 * <p>
 * Pieces travel as bytes: a map task returns one list holding each partition's piece in Java
 * serialization, and merge tasks return a list of one piece. So keys and values must be
 * {@link java.io.Serializable}, and a task reads only the partition it needs out of a list of
 * bytes rather than decoding every partition's rows. {@link #slot} says where that piece is.
 */
public record ShuffleSpec(Func1<Object, Object> key, Func1<Object, Object> value, Func2<Object, Object, Object> combine,
                          int partitions) implements Serializable {

    public int partitionOf(Object key) {
        return Math.floorMod(Objects.hashCode(key), partitions);
    }

    /** The map side: a block's rows into {@code partitions} lists of (key, partial value) pairs. */
    public List<List<Pair<Object, Object>>> split(Iterable<Object> rows, String where) {
        List<LinkedHashMap<Object, Object>> parts = new ArrayList<>(partitions);
        for (int i = 0; i < partitions; i++) {
            parts.add(new LinkedHashMap<>());
        }
        for (Object row : rows) {
            Object k = apply(key, row, "key", where);
            Object v = apply(value, row, "value", where);
            merge(parts.get(partitionOf(k)), k, combine == null ? listOf(v) : v, where);
        }
        List<List<Pair<Object, Object>>> out = new ArrayList<>(partitions);
        for (LinkedHashMap<Object, Object> part : parts) {
            List<Pair<Object, Object>> pairs = new ArrayList<>(part.size());
            part.forEach((k, v) -> pairs.add(new Pair<>(k, v)));
            out.add(pairs);
        }
        return out;
    }

    /** The pieces as bytes, one per partition, in partition order. */
    public ArrayList<byte[]> encode(List<List<Pair<Object, Object>>> pieces, String where) {
        ArrayList<byte[]> out = new ArrayList<>(pieces.size());
        for (List<Pair<Object, Object>> piece : pieces) {
            try {
                out.add(JavaSerial.encode(piece instanceof ArrayList<?> ? piece : new ArrayList<>(piece)));
            } catch (java.io.NotSerializableException e) {
                throw new DataFunctionException("a key or value of the shuffle in " + where + " is a " + e.getMessage()
                    + ", which is not serializable; shuffle keys and values must implement java.io.Serializable "
                    + "(strings, numbers, records of those)", e);
            } catch (java.io.IOException e) {
                throw new DataFunctionException("cannot serialize a shuffle piece in " + where + ": " + e, e);
            }
        }
        return out;
    }

    /** Where partition {@code partition}'s piece sits in a list of pieces: a map task's (one per partition) or a merge's (one). */
    public static int slot(List<byte[]> pieces, int partition) {
        return pieces.size() == 1 ? 0 : partition;
    }

    /** Partition {@code partition}'s piece out of a list of pieces. */
    @SuppressWarnings("unchecked")
    public List<Pair<Object, Object>> piece(List<byte[]> pieces, int partition, String where) {
        try {
            return (List<Pair<Object, Object>>) JavaSerial.decode(pieces.get(slot(pieces, partition)));
        } catch (ClassNotFoundException e) {
            throw new DataFunctionException("a task cannot load the class " + e.getMessage() + " of a shuffle key or value in "
                + where + "; put it on the class path of every node that runs the work", e);
        } catch (java.io.IOException e) {
            throw new DataFunctionException("cannot read a shuffle piece in " + where + ": " + e, e);
        }
    }

    /** The reduce side: the pieces of one partition from every map task, merged by key. */
    public List<Object> merge(List<List<Pair<Object, Object>>> pieces, String where) {
        LinkedHashMap<Object, Object> merged = new LinkedHashMap<>();
        for (List<Pair<Object, Object>> piece : pieces) {
            for (Pair<Object, Object> pair : piece) {
                merge(merged, pair.key(), pair.value(), where);
            }
        }
        List<Object> rows = new ArrayList<>(merged.size());
        merged.forEach((k, v) -> rows.add(new Pair<>(k, v)));
        return rows;
    }

    @SuppressWarnings("unchecked")
    private void merge(LinkedHashMap<Object, Object> into, Object k, Object v, String where) {
        if (combine == null) {
            ((List<Object>) into.computeIfAbsent(k, x -> new ArrayList<>())).addAll((List<Object>) v);
            return;
        }
        Object before = into.get(k);
        if (before == null && !into.containsKey(k)) {
            into.put(k, v);
            return;
        }
        try {
            into.put(k, combine.apply(before, v));
        } catch (Exception e) {
            throw new DataFunctionException("the reduce function of reduceByKey threw on key " + k + " in " + where + ": " + e, e);
        }
    }

    private static List<Object> listOf(Object v) {
        List<Object> list = new ArrayList<>(1);
        list.add(v);
        return list;
    }

    private static Object apply(Func1<Object, Object> function, Object row, String which, String where) {
        try {
            return function.apply(row);
        } catch (Exception e) {
            throw new DataFunctionException("the " + which + " function of the shuffle threw on a row of " + where + ": " + e, e);
        }
    }
}
