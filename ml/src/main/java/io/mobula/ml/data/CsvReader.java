package io.mobula.ml.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * Reads a numeric CSV ({@code .csv}, or gzip'd {@code .csv.gz}) with one label column into a
 * {@link LabeledRows}. Every column but the label must be a number; the label may be anything (its
 * distinct values become the classes, in numeric order when they are all numbers, else in text
 * order). Blank lines are skipped. Every fault is a {@link DataFileException} naming the line.
 *
 * @param labelColumn a 0-based column index, {@code last}, or (with a header) a column's name.
 * @param skipHeader  whether the first line is a header rather than data.
 */
public record CsvReader(String labelColumn, boolean skipHeader) {
    /** Reads a file; {@code .gz} files are decompressed. */
    public LabeledRows read(Path file) {
        String name = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new DataFileException(name, 0, Files.exists(file) ? "not a regular file" : "no such file",
                "give --data the path of a .csv or .csv.gz file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(name, in);
        } catch (NoSuchFileException e) {
            throw new DataFileException(name, 0, "no such file", "give --data the path of a .csv or .csv.gz file", e);
        } catch (IOException e) {
            throw new DataFileException(name, 0, "cannot be read (" + e.getMessage() + ")", "check the file's permissions", e);
        }
    }

    /** Reads from a stream; {@code name} is how errors name it, and a name ending {@code .gz} means gzip. */
    public LabeledRows read(String name, InputStream raw) {
        List<double[]> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        int columns = -1;
        int label = -1;
        String headerLine = null;
        long lineNo = 0;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(name.endsWith(".gz") ? new GZIPInputStream(raw) : raw,
            StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (lineNo == 1 && skipHeader) {
                    headerLine = line;
                    continue;
                }
                if (line.isBlank()) {
                    continue;
                }
                String[] fields = line.split(",", -1);
                if (columns < 0) {
                    columns = fields.length;
                    if (columns < 2) {
                        throw new DataFileException(name, lineNo, "has " + columns + " column; need a label column and at least one feature",
                            "is the file comma-separated?");
                    }
                    label = labelIndex(name, headerLine, columns);
                } else if (fields.length != columns) {
                    throw new DataFileException(name, lineNo, "has " + fields.length + " columns where the first data row has " + columns,
                        rows.size() == 1 && !skipHeader ? "if the first line is a header, pass --skip-header" : "fix or remove the row");
                }
                double[] x = new double[columns - 1];
                for (int c = 0, f = 0; c < columns; c++) {
                    String field = fields[c].strip();
                    if (c == label) {
                        if (field.isEmpty()) {
                            throw new DataFileException(name, lineNo, "the label (column " + c + ") is empty", "every row needs a label");
                        }
                        labels.add(field);
                        continue;
                    }
                    x[f++] = number(name, lineNo, c, field, rows.isEmpty());
                }
                rows.add(x);
            }
        } catch (IOException e) {
            throw new DataFileException(name, lineNo, "cannot be read (" + e.getMessage() + ")",
                name.endsWith(".gz") ? "is it really gzip'd?" : "check the file", e);
        }
        if (rows.isEmpty()) {
            throw new DataFileException(name, 0, "has no data rows", "give a CSV with one row per example");
        }
        return labeledRows(name, rows, labels, columns - 1);
    }

    private int labelIndex(String name, String header, int columns) {
        String spec = labelColumn.strip();
        if (spec.equalsIgnoreCase("last")) {
            return columns - 1;
        }
        try {
            int index = Integer.parseInt(spec);
            if (index < 0 || index >= columns) {
                throw new DataFileException(name, 0, "has no column " + index + " (the first data row has " + columns + " columns, 0.."
                    + (columns - 1) + ")", "pass --label a 0-based column index, 'last', or a header's column name"
                    + (skipHeader ? "" : "; if the first line is a header, pass --skip-header"));
            }
            return index;
        } catch (NumberFormatException notIndex) {
            if (header == null) {
                throw new DataFileException(name, 0, "no column is named '" + spec + "' (the file has no header)",
                    "pass --label a 0-based column index or 'last', or --skip-header if the first line names the columns");
            }
            List<String> names = Arrays.stream(header.split(",", -1)).map(String::strip).toList();
            int index = names.indexOf(spec);
            if (index < 0 || names.size() != columns) {
                throw new DataFileException(name, 1, "no header column is named '" + spec + "' (the header has " + names + ")",
                    "pass --label one of those names or a 0-based column index");
            }
            return index;
        }
    }

    private static double number(String name, long lineNo, int column, String field, boolean firstRow) {
        try {
            double value = Double.parseDouble(field);
            if (Double.isFinite(value)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new DataFileException(name, lineNo, "column " + column + " is '" + field + "', not a finite number",
            firstRow ? "if the first line is a header, pass --skip-header; every feature column must be numeric"
                : "every column but the label must be numeric; fix or remove the row");
    }

    private static LabeledRows labeledRows(String name, List<double[]> rows, List<String> labels, int featureCount) {
        boolean numeric = labels.stream().allMatch(CsvReader::isNumber);
        Comparator<String> order = numeric ? Comparator.comparingDouble(Double::parseDouble) : Comparator.naturalOrder();
        Map<String, Integer> classes = new TreeMap<>(order);
        labels.forEach(l -> classes.put(l, 0));
        if (classes.size() < 2) {
            throw new DataFileException(name, 0, "every row has the label '" + labels.getFirst() + "'",
                "a classifier needs at least two classes; is --label the right column?");
        }
        if (classes.size() > Math.max(2, rows.size() / 2)) {
            throw new DataFileException(name, 0, "the label column has " + classes.size() + " distinct values in " + rows.size()
                + " rows, which looks like a feature rather than a class", "pass --label the column that holds the class");
        }
        List<String> classNames = new ArrayList<>(classes.keySet());
        for (int i = 0; i < classNames.size(); i++) {
            classes.put(classNames.get(i), i);
        }
        double[] x = new double[rows.size() * featureCount];
        int[] y = new int[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(rows.get(r), 0, x, r * featureCount, featureCount);
            y[r] = classes.get(labels.get(r));
        }
        return new LabeledRows(x, y, featureCount, classNames);
    }

    private static boolean isNumber(String text) {
        try {
            Double.parseDouble(text);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
