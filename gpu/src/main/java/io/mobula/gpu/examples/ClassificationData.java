package io.mobula.gpu.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

/**
 * A labelled data set for multiclass classification: rows of {@code features} floats, each with a
 * class in {@code [0, classes)}. Either the handwritten digits ({@value #DIGITS}, 8x8 images with
 * values 0 to 16 and the digit last, when the examples jar is on the class path) or a synthetic,
 * well-separated set of Gaussian clusters.
 *
 * @param x       features {@code [rows x features]}, row-major, scaled to about [0, 1] or unit variance
 * @param labels  the class of each row
 * @param source  where it came from, for the output
 */
public record ClassificationData(float[] x, int[] labels, int rows, int features, int classes, String source) {
    /** The digits file the examples module may ship. */
    public static final String DIGITS = "data/digits.csv.gz";

    /** The digits if on the class path, else {@link #synthetic} with {@code syntheticRows} rows. */
    public static ClassificationData load(int syntheticRows) {
        InputStream in = ClassificationData.class.getClassLoader().getResourceAsStream(DIGITS);
        if (in == null) {
            return synthetic(syntheticRows, 64, 10, 42);
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8))) {
            return parse(reader.lines().toList(), "class path " + DIGITS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DIGITS, e);
        }
    }

    /** Rows of comma-separated numbers, the class last; a first line that is not numeric is a header. */
    static ClassificationData parse(List<String> lines, String source) {
        List<float[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        float max = 0;
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split(",");
            float[] row = new float[cells.length - 1];
            try {
                for (int c = 0; c < row.length; c++) {
                    row[c] = Float.parseFloat(cells[c].trim());
                    max = Math.max(max, Math.abs(row[c]));
                }
                labels.add((int) Float.parseFloat(cells[cells.length - 1].trim()));
            } catch (NumberFormatException header) {
                if (rows.isEmpty() && labels.isEmpty()) {
                    continue;
                }
                throw new IllegalArgumentException(source + ": line " + (rows.size() + 1) + " is not numeric: " + line, header);
            }
            if (!rows.isEmpty() && row.length != rows.get(0).length) {
                throw new IllegalArgumentException(source + ": rows have " + rows.get(0).length + " and " + row.length + " features");
            }
            rows.add(row);
        }
        int features = rows.get(0).length;
        float[] x = new float[rows.size() * features];
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < features; c++) {
                x[r * features + c] = max == 0 ? 0 : rows.get(r)[c] / max;
            }
        }
        int[] y = labels.stream().mapToInt(Integer::intValue).toArray();
        int classes = Arrays.stream(y).max().orElse(0) + 1;
        return new ClassificationData(x, y, rows.size(), features, classes, source);
    }

    /**
     * {@code classes} Gaussian clusters (unit variance) around centres drawn with spread 0.5 per
     * feature: nearly separable, yet training has a few epochs of work to do.
     */
    public static ClassificationData synthetic(int rows, int features, int classes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] centres = new float[classes][features];
        for (float[] centre : centres) {
            for (int c = 0; c < features; c++) {
                centre[c] = (float) (0.5 * gaussian(random));
            }
        }
        float[] x = new float[rows * features];
        int[] y = new int[rows];
        for (int r = 0; r < rows; r++) {
            y[r] = random.nextInt(classes);
            for (int c = 0; c < features; c++) {
                x[r * features + c] = centres[y[r]][c] + (float) gaussian(random);
            }
        }
        return new ClassificationData(x, y, rows, features, classes, "synthetic (" + classes + " Gaussian clusters, seed "
            + seed + ")");
    }

    /** Rows {@code [from, to)} as a data set of their own. */
    public ClassificationData slice(int from, int to) {
        return new ClassificationData(Arrays.copyOfRange(x, from * features, to * features),
            Arrays.copyOfRange(labels, from, to), to - from, features, classes, source);
    }

    /** Shard {@code index} of {@code count} (contiguous, sizes differing by at most one). */
    public ClassificationData shard(int index, int count) {
        return slice((int) ((long) rows * index / count), (int) ((long) rows * (index + 1) / count));
    }

    private static double gaussian(SplittableRandom random) {
        double u = 1.0 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
