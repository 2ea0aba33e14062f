package io.mobula.data;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;


/**
 * What a block task makes of its rows, as the last step of its plan: the rows themselves, their
 * number, the first few, a file, or the pieces of a shuffle. Only this result leaves the task.
 */
public sealed interface Terminal extends Serializable {
    Object finish(Stream<Object> rows, int block, String where);

    /** The rows, as an {@link ArrayList} (for collect and cache). */
    record Collect() implements Terminal {
        @Override
        public Object finish(Stream<Object> rows, int block, String where) {
            return rows.collect(Collectors.toCollection(ArrayList::new));
        }
    }

    /** How many rows, as a {@link Long}. */
    record Count() implements Terminal {
        @Override
        public Object finish(Stream<Object> rows, int block, String where) {
            return rows.count();
        }
    }

    /** At most {@code n} rows, the block's first. */
    record Take(long n) implements Terminal {
        @Override
        public Object finish(Stream<Object> rows, int block, String where) {
            return rows.limit(n).collect(Collectors.toCollection(ArrayList::new));
        }
    }

    /**
     * The rows written as lines ({@code toString()} of each) to {@code part-NNNNN} in the folder;
     * returns how many. The file appears whole or not at all: it is written under a hidden name and
     * renamed, so a retried task rewrites it cleanly.
     */
    record Write(String folder) implements Terminal {
        public static String fileName(int block) {
            return String.format(Locale.ROOT, "part-%05d", block);
        }

        @Override
        public Object finish(Stream<Object> rows, int block, String where) {
            Path target = Path.of(folder, fileName(block));
            Path temp = Path.of(folder, "." + fileName(block) + ".tmp");
            long count = 0;
            try (BufferedWriter out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                for (Object row : (Iterable<Object>) rows::iterator) {
                    out.write(String.valueOf(row));
                    out.write('\n');
                    count++;
                }
            } catch (IOException e) {
                throw new DataSinkException("cannot write " + temp + " for " + where + ": " + e.getMessage()
                    + "; check the folder is writable (on every node, at the same path) and has room", e);
            }
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new DataSinkException("cannot rename " + temp + " to " + target + ": " + e.getMessage(), e);
            }
            return count;
        }
    }

    /**
     * The map side of a shuffle: the rows split by partition (reduced per key within the block
     * when the shuffle reduces); returns every partition's piece, as bytes, in one list.
     */
    record ShuffleMap(ShuffleSpec spec) implements Terminal {
        @Override
        public Object finish(Stream<Object> rows, int block, String where) {
            return spec.encode(spec.split(rows::iterator, where), where);
        }
    }
}
