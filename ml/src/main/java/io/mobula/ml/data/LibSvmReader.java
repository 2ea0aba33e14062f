package io.mobula.ml.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads binary-labelled LibSVM/SVMlight text, {@code label index:value index:value ...}, one row a
 * line. Labels {@code 0}/{@code 1} are taken as they are, {@code -1}/{@code +1} as 0/1; indices
 * must be whole numbers from 1 up. Every fault is a {@link DataFileException} naming the line.
 */
public final class LibSvmReader {
    private LibSvmReader() {
    }

    public static List<SparseExample> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DataFileException(file.toString(), 0, "no such file", "give the path of a LibSVM text file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(file.toString(), in);
        } catch (IOException e) {
            throw new DataFileException(file.toString(), 0, "cannot be read (" + e.getMessage() + ")", "check the file", e);
        }
    }

    public static List<SparseExample> read(String name, InputStream in) {
        List<SparseExample> rows = new ArrayList<>();
        long lineNo = 0;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                String text = line.strip();
                if (text.isEmpty() || text.startsWith("#")) {
                    continue;
                }
                rows.add(parse(name, lineNo, text));
            }
        } catch (IOException e) {
            throw new DataFileException(name, lineNo, "cannot be read (" + e.getMessage() + ")", "check the file", e);
        }
        if (rows.isEmpty()) {
            throw new DataFileException(name, 0, "has no rows", "give a LibSVM file, one 'label index:value ...' row a line");
        }
        return rows;
    }

    private static SparseExample parse(String name, long lineNo, String text) {
        String[] tokens = text.split("\\s+");
        int label = switch (tokens[0]) {
            case "0", "-1", "0.0", "-1.0" -> 0;
            case "1", "+1", "1.0", "+1.0" -> 1;
            default -> throw new DataFileException(name, lineNo, "label '" + tokens[0] + "' is not binary",
                "labels must be 0/1 or -1/+1");
        };
        int[] indices = new int[tokens.length - 1];
        double[] values = new double[tokens.length - 1];
        for (int i = 1; i < tokens.length; i++) {
            int colon = tokens[i].indexOf(':');
            try {
                if (colon < 0) {
                    throw new NumberFormatException();
                }
                indices[i - 1] = Integer.parseInt(tokens[i].substring(0, colon));
                values[i - 1] = Double.parseDouble(tokens[i].substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new DataFileException(name, lineNo, "'" + tokens[i] + "' is not index:value", "write features as index:value");
            }
            if (indices[i - 1] < 1 || !Double.isFinite(values[i - 1])) {
                throw new DataFileException(name, lineNo, "'" + tokens[i] + "' needs an index from 1 up and a finite value",
                    "fix the row");
            }
        }
        return new SparseExample(indices, values, label);
    }
}
