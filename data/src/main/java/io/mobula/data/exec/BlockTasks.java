package io.mobula.data.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.mobula.Mobula;
import io.mobula.ObjectRef;
import io.mobula.data.CsvRow;
import io.mobula.data.DataSourceException;
import io.mobula.data.Pair;

/**
 * The task functions of the data library, one per kind of block input. Each takes the block, its
 * index and the encoded {@link BlockPlan}, and returns what the plan's terminal makes. They are
 * static methods so a node finds them by name, from this module on its class path.
 */
public final class BlockTasks {
    private BlockTasks() {
    }

    /** A block of a file: its lines (or CSV rows), streamed through the plan. */
    public static Object fromFile(FileBlock block, Integer index, byte[] plan) {
        BlockPlan decoded = BlockPlan.decode(plan);
        String where = "block " + index + " (" + block.path() + (block.gzip() ? ", lines " : ", bytes ") + block.from() + ".."
            + block.to() + ")";
        Stream<String> lines = LineReader.lines(block);
        Stream<Object> rows = block.csv()
            ? lines.map(line -> parseCsv(line, block, where))
            : lines.map(line -> (Object) line);
        return decoded.run(rows.onClose(lines::close), index, where);
    }

    /** A block already in the object store (a cached dataset's). */
    public static Object fromRows(List<Object> rows, Integer index, byte[] plan) {
        return BlockPlan.decode(plan).run(rows.stream(), index, "block " + index);
    }

    /** A shuffle partition: its pieces read from the store, merged by key, then the plan. */
    public static Object fromShuffle(ShuffleColumn column, Integer index, byte[] plan) {
        BlockPlan decoded = BlockPlan.decode(plan);
        String where = "partition " + column.partition();
        List<List<Pair<Object, Object>>> pieces = new ArrayList<>(column.pieces().size());
        Mobula mobula = Mobula.current();
        for (ObjectRef<List<Pair<Object, Object>>> piece : column.pieces()) {
            pieces.add(mobula.get(piece));
        }
        return decoded.run(decoded.reducer().merge(pieces, where).stream(), index, where);
    }

    private static Object parseCsv(String line, FileBlock block, String where) {
        try {
            return CsvRow.parse(line, block.delimiter());
        } catch (IllegalArgumentException e) {
            throw new DataSourceException("bad CSV in " + where + ": " + e.getMessage(), e);
        }
    }
}
