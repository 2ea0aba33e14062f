package io.mobula.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * One record of a CSV file: its fields as text, in order. {@link #toString()} writes it back as a
 * CSV line (quoting fields that need it), so {@link Dataset#write} of CSV rows writes CSV.
 *
 * @param fields the fields, unquoted.
 * @param delimiter the delimiter it was read with, used to write it back.
 */
public record CsvRow(List<String> fields, char delimiter) implements Serializable {
    public CsvRow {
        fields = List.copyOf(fields);
    }

    public int size() {
        return fields.size();
    }

    /** Field {@code i}, counting from 0. */
    public String get(int i) {
        if (i < 0 || i >= fields.size()) {
            throw new IndexOutOfBoundsException("field " + i + " of a CSV row of " + fields.size() + " fields; "
                + "count fields from 0");
        }
        return fields.get(i);
    }

    /** Field {@code i} as a number. */
    public double getDouble(int i) {
        String text = get(i);
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new NumberFormatException("field " + i + " is '" + text + "', not a number");
        }
    }

    /** Field {@code i} as a whole number. */
    public long getLong(int i) {
        String text = get(i);
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new NumberFormatException("field " + i + " is '" + text + "', not a whole number");
        }
    }

    /**
     * Parses one line: fields split at {@code delimiter}; a field in double quotes may hold the
     * delimiter and doubled quotes ({@code ""}). A quoted field cannot span lines (blocks are cut
     * at line breaks).
     *
     * @throws IllegalArgumentException for a quote left open at the end of the line.
     */
    public static CsvRow parse(String line, char delimiter) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.isEmpty() && !wasQuoted) {
                quoted = true;
                wasQuoted = true;
            } else if (c == delimiter) {
                fields.add(field.toString());
                field.setLength(0);
                wasQuoted = false;
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("a quoted field is not closed by the end of the line: " + abbreviate(line)
                + "; quoted fields cannot span lines");
        }
        fields.add(field.toString());
        return new CsvRow(fields, delimiter);
    }

    @Override
    public String toString() {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                line.append(delimiter);
            }
            String f = fields.get(i);
            if (f.indexOf(delimiter) >= 0 || f.indexOf('"') >= 0 || f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0) {
                line.append('"').append(f.replace("\"", "\"\"")).append('"');
            } else {
                line.append(f);
            }
        }
        return line.toString();
    }

    private static String abbreviate(String line) {
        return line.length() <= 80 ? line : line.substring(0, 77) + "...";
    }
}
