package io.mobula.data;

import java.util.List;
import java.util.stream.Stream;


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

    /** A shuffle partition: its merged piece (the root of its merge tree), then the plan. */
    public static Object fromShuffle(List<byte[]> pieces, Integer partition, byte[] plan) {
        BlockPlan decoded = BlockPlan.decode(plan);
        String where = "partition " + partition;
        List<Object> rows = decoded.reducer().merge(List.of(decoded.reducer().piece(pieces, partition, where)), where);
        return decoded.run(rows.stream(), partition, where);
    }

    /** Two map outputs (or merges) of a shuffle, merged for one partition: a list of one piece. */
    public static List<byte[]> mergeShuffle(byte[] plan, Integer partition, List<byte[]> a, List<byte[]> b) {
        ShuffleSpec spec = BlockPlan.decode(plan).reducer();
        String where = "partition " + partition;
        List<Object> merged = spec.merge(List.of(spec.piece(a, partition, where), spec.piece(b, partition, where)), where);
        @SuppressWarnings("unchecked")
        List<Pair<Object, Object>> pairs = (List<Pair<Object, Object>>) (List<?>) merged;
        return spec.encode(List.of(pairs), where);
    }

    private static Object parseCsv(String line, FileBlock block, String where) {
        try {
            return CsvRow.parse(line, block.delimiter());
        } catch (IllegalArgumentException e) {
            throw new DataSourceException("bad CSV in " + where + ": " + e.getMessage(), e);
        }
    }
}
