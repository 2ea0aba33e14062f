package io.mobula.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.mobula.Mobula;
import io.mobula.ObjectRef;
import io.mobula.function.Func1;
import io.mobula.function.Func2;

/**
 * A distributed collection of rows, in blocks, processed by tasks: Mobula's data processing
 * library, built on the public API alone (tasks, {@code put}/{@code get}/{@code wait},
 * {@link Mobula#current()} inside tasks).
 * <pre>{@code
 * try (Mobula mobula = Mobula.init()) {
 *     List<Pair<String, Long>> counts = Dataset.readText(mobula, Path.of("shakespeare.txt"))
 *         .flatMap(WordCounts::words)
 *         .reduceByKey(word -> word, word -> 1L, Long::sum)
 *         .collect();
 * }
 * }</pre>
 * <b>Lazy and immutable.</b> Transformations ({@link #map}, {@link #filter}, {@link #flatMap},
 * {@link #mapPartitions}) return a new dataset and run nothing; an action ({@link #count},
 * {@link #take}, {@link #collect}, {@link #forEachLocal}, {@link #write}, {@link #cache}) runs
 * the pipeline: one task per block, applying every step to the block's rows as a stream, inside
 * the task. Consecutive steps never materialise a block between them.
 * <p>
 * <b>Bounded memory.</b> An action keeps at most {@link #maxInFlightBlocks} blocks between
 * submission and hand-over (default: twice the CPUs) and consumes results as they complete, so a
 * dataset far larger than the object store, or than the driver's heap (for {@code count},
 * {@code write}, {@code forEachLocal}), streams through. {@link #collect} and {@link #cache} keep
 * what they return, of course; a shuffle's pieces live in the store (spilled to disk when it is
 * full) until their partition's task has read them.
 * <p>
 * <b>Functions travel as values.</b> The functions are {@link Func1}/{@link Func2}: serializable
 * lambdas. A task gets them inside its plan, in Java serialization, so a function may capture
 * serializable values (a format, a word to look for); capturing anything else is refused by the
 * action with {@link UnserializableFunctionException}. The class that defines a function must be
 * on the class path where the tasks run (on a cluster: every node's, or the job's jars as
 * {@code mobula submit} ships them).
 * <p>
 * <b>Input files</b> are read by the tasks from their paths, so on a cluster the files must be at
 * the same path on every node (a shared file system, or one host). A dataset is immutable and may
 * be shared between threads; an action runs on the calling thread and returns when it is done.
 *
 * @param <T> the row type.
 */
public final class Dataset<T> {
    private static final ProgressListener NO_PROGRESS = (phase, done, total) -> {
    };

    private final Mobula mobula;
    private final Source source;
    private final List<Stage> stages;
    private final int maxInFlightBlocks;
    private final ProgressListener progress;

    /** Where a dataset's blocks come from before its own steps. */
    private sealed interface Source {
        int blockCount();
    }

    private record Files(List<FileBlock> blocks) implements Source {
        @Override
        public int blockCount() {
            return blocks.size();
        }
    }

    private record Cached(List<ObjectRef<List<Object>>> blocks) implements Source {
        @Override
        public int blockCount() {
            return blocks.size();
        }
    }

    private record Shuffled(Dataset<?> parent, ShuffleSpec spec) implements Source {
        @Override
        public int blockCount() {
            return spec.partitions();
        }
    }

    private Dataset(Mobula mobula, Source source, List<Stage> stages, int maxInFlightBlocks, ProgressListener progress) {
        this.mobula = mobula;
        this.source = source;
        this.stages = stages;
        this.maxInFlightBlocks = maxInFlightBlocks;
        this.progress = progress;
    }

    // ---- sources ----

    /** The lines of a text file, or of every file in a folder ({@code .gz} files decompressed), in 1 MiB blocks. */
    public static Dataset<String> readText(Mobula mobula, Path path) {
        return readText(mobula, List.of(path), ReadOptions.defaults());
    }

    /**
     * The lines of text files: each path a file or a folder (its regular files in name order,
     * without sub-folders or names starting with {@code .} or {@code _}); {@code .gz} files are
     * decompressed. Plans the blocks now (reading gzip files once to count their lines).
     *
     * @throws DataSourceException for a path that does not exist, a folder with no files, a bad gzip file.
     */
    public static Dataset<String> readText(Mobula mobula, List<Path> paths, ReadOptions options) {
        return fromFiles(mobula, paths, false, options);
    }

    /** The records of a CSV file or folder, comma-separated, without a header line, in 1 MiB blocks. */
    public static Dataset<CsvRow> readCsv(Mobula mobula, Path path) {
        return readCsv(mobula, List.of(path), ReadOptions.defaults());
    }

    /**
     * The records of CSV files, one per line (a quoted field may hold the delimiter but not a line
     * break); {@link ReadOptions#csvHeader} skips each file's first line.
     *
     * @throws DataSourceException as {@link #readText(Mobula, List, ReadOptions)}; a malformed line
     *                             fails its block's task with a {@code DataSourceException} naming the block.
     */
    public static Dataset<CsvRow> readCsv(Mobula mobula, List<Path> paths, ReadOptions options) {
        return fromFiles(mobula, paths, true, options);
    }

    /**
     * Rows the driver already holds, cut into {@code blocks} blocks of consecutive rows and put into
     * the object store now.
     */
    public static <T> Dataset<T> fromList(Mobula mobula, List<T> rows, int blocks) {
        requireMobula(mobula);
        if (blocks < 1) {
            throw new IllegalArgumentException("a dataset needs at least 1 block, got " + blocks);
        }
        List<ObjectRef<List<Object>>> refs = new ArrayList<>(blocks);
        for (int b = 0; b < blocks; b++) {
            int from = (int) ((long) rows.size() * b / blocks);
            int to = (int) ((long) rows.size() * (b + 1) / blocks);
            refs.add(mobula.put(new ArrayList<Object>(rows.subList(from, to))));
        }
        return new Dataset<>(mobula, new Cached(List.copyOf(refs)), List.of(), 0, NO_PROGRESS);
    }

    private static <T> Dataset<T> fromFiles(Mobula mobula, List<Path> paths, boolean csv, ReadOptions options) {
        requireMobula(mobula);
        if (paths == null || options == null) {
            throw new IllegalArgumentException("paths and options must not be null; pass List.of(path) and ReadOptions.defaults()");
        }
        return new Dataset<>(mobula, new Files(FilePlanner.plan(paths, csv, options)), List.of(), 0, NO_PROGRESS);
    }

    private static void requireMobula(Mobula mobula) {
        if (mobula == null) {
            throw new IllegalArgumentException("the Mobula runtime is null; pass the one Mobula.init() returned");
        }
    }

    // ---- settings ----

    /**
     * The most blocks an action keeps between submission and hand-over at once (default: twice the
     * runtime's CPUs, at least 2). Bounds the memory an action needs; a smaller window means less
     * parallelism.
     */
    public Dataset<T> maxInFlightBlocks(int blocks) {
        if (blocks < 1) {
            throw new IllegalArgumentException("maxInFlightBlocks must be at least 1, got " + blocks);
        }
        return new Dataset<>(mobula, source, stages, blocks, progress);
    }

    /** The window actions use: {@link #maxInFlightBlocks(int)}'s, or the default. */
    public int maxInFlightBlocks() {
        if (maxInFlightBlocks > 0) {
            return maxInFlightBlocks;
        }
        double cpus = mobula.totalResources().getOrDefault("CPU", 1.0);
        return Math.max(2, (int) Math.ceil(cpus) * 2);
    }

    /**
     * Calls {@code listener} on the driver after each block an action finishes: the phase
     * ({@code "shuffle"} for the map side of a shuffle, else the action's name), blocks done, and
     * the phase's blocks in all.
     */
    public Dataset<T> onProgress(ProgressListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("the listener is null");
        }
        return new Dataset<>(mobula, source, stages, maxInFlightBlocks, listener);
    }

    /** Told after each block an action finishes; see {@link #onProgress}. */
    @FunctionalInterface
    public interface ProgressListener {
        void blocksDone(String phase, int done, int total);
    }

    /** The number of blocks (tasks) an action over this dataset runs, its shuffles' map sides aside. */
    public int blockCount() {
        return source.blockCount();
    }

    // ---- transformations ----

    /** Each row turned into {@code function}'s result. */
    @SuppressWarnings("unchecked")
    public <R> Dataset<R> map(Func1<? super T, ? extends R> function) {
        return then(new Stage.Map((Func1<Object, Object>) (Func1<?, ?>) requireFunction(function, "map")));
    }

    /** The rows for which {@code predicate} returns true. */
    @SuppressWarnings("unchecked")
    public Dataset<T> filter(Func1<? super T, Boolean> predicate) {
        return then(new Stage.Filter((Func1<Object, Boolean>) (Func1<?, ?>) requireFunction(predicate, "filter")));
    }

    /** Each row turned into zero or more rows: the elements of what {@code function} returns (null: none). */
    @SuppressWarnings("unchecked")
    public <R> Dataset<R> flatMap(Func1<? super T, ? extends Iterable<? extends R>> function) {
        return then(new Stage.FlatMap((Func1<Object, Iterable<Object>>) (Func1<?, ?>) requireFunction(function, "flatMap")));
    }

    /**
     * Each block's rows turned into other rows at once: {@code function} gets an iterator over the
     * block's rows and returns one over the new rows (for per-block set-up, or to aggregate a block).
     */
    @SuppressWarnings("unchecked")
    public <R> Dataset<R> mapPartitions(Func1<Iterator<T>, Iterator<R>> function) {
        return then(new Stage.MapPartitions(
            (Func1<Iterator<Object>, Iterator<Object>>) (Func1<?, ?>) requireFunction(function, "mapPartitions")));
    }

    /**
     * For each distinct key, its values reduced by {@code reduce} (which must be associative and
     * commutative: it is applied in each block first, then across blocks), as {@link Pair}s.
     * Runs as a hash-partitioned shuffle into {@code partitions} blocks; the order of the pairs is
     * not defined. Keys must hash alike in every process (see {@link ShuffleSpec}).
     */
    @SuppressWarnings("unchecked")
    public <K, V> Dataset<Pair<K, V>> reduceByKey(Func1<? super T, ? extends K> key, Func1<? super T, ? extends V> value,
                                                   Func2<V, V, V> reduce, int partitions) {
        requireFunction(reduce, "reduceByKey");
        return shuffle(key, value, (Func2<Object, Object, Object>) (Func2<?, ?, ?>) reduce, partitions);
    }

    /** {@link #reduceByKey(Func1, Func1, Func2, int)} into as many partitions as this dataset has blocks, up to {@link #maxInFlightBlocks()}. */
    public <K, V> Dataset<Pair<K, V>> reduceByKey(Func1<? super T, ? extends K> key, Func1<? super T, ? extends V> value,
                                                   Func2<V, V, V> reduce) {
        return reduceByKey(key, value, reduce, defaultPartitions());
    }

    /**
     * For each distinct key, the list of its rows, as {@link Pair}s; a hash-partitioned shuffle into
     * {@code partitions} blocks. Every row of one key is held by one task at once: for aggregates,
     * {@link #reduceByKey} moves far less.
     */
    public <K> Dataset<Pair<K, List<T>>> groupByKey(Func1<? super T, ? extends K> key, int partitions) {
        return shuffle(key, row -> row, null, partitions);
    }

    /** {@link #groupByKey(Func1, int)} into as many partitions as {@link #reduceByKey(Func1, Func1, Func2)} uses. */
    public <K> Dataset<Pair<K, List<T>>> groupByKey(Func1<? super T, ? extends K> key) {
        return groupByKey(key, defaultPartitions());
    }

    @SuppressWarnings("unchecked")
    private <R> Dataset<R> shuffle(Func1<?, ?> key, Func1<?, ?> value, Func2<Object, Object, Object> combine, int partitions) {
        requireFunction(key, "the key");
        requireFunction(value, "the value");
        if (partitions < 1) {
            throw new IllegalArgumentException("a shuffle needs at least 1 partition, got " + partitions);
        }
        ShuffleSpec spec = new ShuffleSpec((Func1<Object, Object>) key, (Func1<Object, Object>) value, combine, partitions);
        return new Dataset<>(mobula, new Shuffled(this, spec), List.of(), maxInFlightBlocks, progress);
    }

    private int defaultPartitions() {
        return Math.max(1, Math.min(source.blockCount(), maxInFlightBlocks()));
    }

    private <R> Dataset<R> then(Stage stage) {
        List<Stage> next = new ArrayList<>(stages);
        next.add(stage);
        return new Dataset<>(mobula, source, List.copyOf(next), maxInFlightBlocks, progress);
    }

    private static <F> F requireFunction(F function, String what) {
        if (function == null) {
            throw new IllegalArgumentException(what + " function is null; pass a lambda or a method reference");
        }
        return function;
    }

    // ---- actions ----

    /** The number of rows. Each task returns only its block's count. */
    public long count() {
        long[] total = {0};
        run(new Terminal.Count(), false, "count", (block, ref) -> {
            total[0] += (Long) ref.get();
            return true;
        });
        return total[0];
    }

    /** The first {@code n} rows, in block order; stops submitting blocks once it has them. */
    @SuppressWarnings("unchecked")
    public List<T> take(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("take needs n >= 0, got " + n);
        }
        List<T> rows = new ArrayList<>(Math.min(n, 1 << 16));
        if (n == 0) {
            return rows;
        }
        run(new Terminal.Take(n), true, "take", (block, ref) -> {
            for (Object row : (List<Object>) ref.get()) {
                if (rows.size() == n) {
                    break;
                }
                rows.add((T) row);
            }
            return rows.size() < n;
        });
        return rows;
    }

    /** Every row, in block order (within a block, in order). The driver holds them all. */
    public List<T> collect() {
        List<T> rows = new ArrayList<>();
        forEachLocal(rows::add);
        return rows;
    }

    /**
     * Hands every row to {@code action} on this thread, in block order, holding only the blocks in
     * flight: the way to look at a dataset larger than memory from the driver.
     */
    @SuppressWarnings("unchecked")
    public void forEachLocal(Consumer<? super T> action) {
        if (action == null) {
            throw new IllegalArgumentException("the action is null");
        }
        run(new Terminal.Collect(), true, "collect", (block, ref) -> {
            for (Object row : (List<Object>) ref.get()) {
                action.accept((T) row);
            }
            return true;
        });
    }

    /**
     * Writes the rows as text, one line per row ({@code toString()}), one file per block:
     * {@code folder/part-00000}, {@code part-00001}... Each task writes its own file. The folder
     * is created if missing and must hold no files.
     *
     * @return the number of rows written.
     * @throws DataSinkException for a folder that holds files, or one that cannot be created.
     */
    public long write(Path folder) {
        if (folder == null) {
            throw new IllegalArgumentException("the folder is null; pass the folder to write into");
        }
        Path dir = folder.toAbsolutePath().normalize();
        try {
            java.nio.file.Files.createDirectories(dir);
            try (Stream<Path> listing = java.nio.file.Files.list(dir)) {
                if (listing.findAny().isPresent()) {
                    throw new DataSinkException("the folder " + dir + " is not empty; write into a new or empty folder "
                        + "(a dataset never overwrites files)");
                }
            }
        } catch (IOException e) {
            throw new DataSinkException("cannot create the folder " + dir + ": " + e.getMessage()
                + "; pass a folder this user may create and write", e);
        }
        long[] total = {0};
        run(new Terminal.Write(dir.toString()), false, "write", (block, ref) -> {
            total[0] += (Long) ref.get();
            return true;
        });
        return total[0];
    }

    /**
     * Runs the pipeline now and keeps each block's rows in the object store, as refs; the dataset
     * returned reads them instead of running this one's steps (and shuffles, and file reads) again.
     * Blocks larger than the inline threshold live in the store (spilled to disk when it is full);
     * they are freed when the returned dataset, and every dataset made from it, is unreachable.
     * The blocks are not read by the driver: a block whose task failed fails each action over the
     * cached dataset with that task's error.
     */
    @SuppressWarnings("unchecked")
    public Dataset<T> cache() {
        List<ObjectRef<List<Object>>> blocks = new ArrayList<>(Collections.nCopies(blockCount(), null));
        run(new Terminal.Collect(), false, "cache", (block, ref) -> {
            blocks.set(block, (ObjectRef<List<Object>>) (ObjectRef<?>) ref);
            return true;
        });
        return new Dataset<>(mobula, new Cached(List.copyOf(blocks)), List.of(), maxInFlightBlocks, progress);
    }

    // ---- execution ----

    private void run(Terminal terminal, boolean ordered, String phase, BlockExecutor.Sink sink) {
        List<BlockInput> inputs = inputs();
        byte[] plan = new BlockPlan(reducer(), stages, terminal).encode();
        BlockExecutor.run(mobula, inputs, plan, maxInFlightBlocks(), ordered, phase, progress, sink);
    }

    private ShuffleSpec reducer() {
        return source instanceof Shuffled shuffled ? shuffled.spec() : null;
    }

    /** The blocks of this dataset's source; for a shuffle, runs its map side first. */
    @SuppressWarnings("unchecked")
    private List<BlockInput> inputs() {
        return switch (source) {
            case Files files -> files.blocks().stream().<BlockInput>map(BlockInput.File::new).toList();
            case Cached cached -> cached.blocks().stream().<BlockInput>map(BlockInput.Rows::new).toList();
            case Shuffled shuffled -> {
                int partitions = shuffled.spec().partitions();
                List<ObjectRef<List<byte[]>>> outputs = new ArrayList<>(Collections.nCopies(shuffled.parent().blockCount(), null));
                shuffled.parent().run(new Terminal.ShuffleMap(shuffled.spec()), false, "shuffle", (block, ref) -> {
                    // not read here: the pieces stay where they were made (a failed map task fails its merges)
                    outputs.set(block, (ObjectRef<List<byte[]>>) (ObjectRef<?>) ref);
                    return true;
                });
                List<BlockInput> inputs = new ArrayList<>(partitions);
                for (int p = 0; p < partitions; p++) {
                    inputs.add(new BlockInput.Shuffle(new ShuffleColumn(p, outputs)));
                }
                yield inputs;
            }
        };
    }
}
