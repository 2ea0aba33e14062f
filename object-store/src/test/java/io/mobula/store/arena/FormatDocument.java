package io.mobula.store.arena;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docs/object-store-format.md read as data: the field tables of its record sections (the rows
 * {@code <offset> <name> <u32|u64|N bytes> <description>} of the first code block after a
 * {@code ## } heading) and the numbers its prose gives.
 */
final class FormatDocument {
    /** One row of a field table; {@code name} is "(reserved)" for padding. */
    record Row(String name, long offset, long bytes, String description) {
        /** The number the description starts with (decimal or 0x hex), or null. */
        Long leadingNumber() {
            Matcher m = Pattern.compile("^(0x[0-9A-Fa-f]+|\\d+)\\b").matcher(description);
            return m.find() ? parseNumber(m.group(1)) : null;
        }
    }

    private static final Pattern ROW = Pattern.compile("^\\s*(\\d+)\\s+(\\(reserved\\)|[A-Za-z]\\w*)\\s+(u32|u64|\\d+ bytes)\\s*(.*)$");

    private final List<String> lines;
    private final String text;

    private FormatDocument(String text) {
        this.text = text;
        this.lines = text.lines().toList();
    }

    static FormatDocument read(Path path) throws IOException {
        return new FormatDocument(Files.readString(path));
    }

    /** The full heading line of the section whose heading starts with {@code heading}. */
    String headingLine(String heading) {
        return lines.get(headingIndex(heading));
    }

    /** The field table of the section whose heading starts with {@code heading}. */
    List<Row> table(String heading) {
        int at = headingIndex(heading);
        while (at < lines.size() && !lines.get(at).startsWith("```")) {
            at++;
        }
        List<Row> rows = new ArrayList<>();
        for (at++; at < lines.size() && !lines.get(at).startsWith("```"); at++) {
            Matcher m = ROW.matcher(lines.get(at));
            if (m.matches()) {
                String type = m.group(3);
                long bytes = type.equals("u32") ? 4 : type.equals("u64") ? 8 : Long.parseLong(type.split(" ")[0]);
                rows.add(new Row(m.group(2), Long.parseLong(m.group(1)), bytes, m.group(4).trim()));
            }
        }
        return rows;
    }

    /** The first capture of {@code regex} in the whole text, as a number, or null. */
    Long number(String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? parseNumber(m.group(1)) : null;
    }

    private int headingIndex(String heading) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(heading)) {
                return i;
            }
        }
        throw new AssertionError("docs/object-store-format.md has no section \"" + heading + "\"");
    }

    static long parseNumber(String literal) {
        return literal.startsWith("0x") ? Long.parseUnsignedLong(literal.substring(2), 16) : Long.parseLong(literal);
    }
}
