package io.mobula.gpu.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The benchmarks' results: an aligned table for people and one JSON line for tools. */
final class BenchReport {
    private record Row(String metric, String value, String unit, String note) {
    }

    private final List<Row> rows = new ArrayList<>();
    private final Map<String, Object> json = new LinkedHashMap<>();

    /** A measured number: a table row, and {@code key} in the JSON. */
    void add(String key, String metric, double value, String unit, String note) {
        rows.add(new Row(metric, format(value), unit, note));
        json.put(key, Double.isFinite(value) ? Math.round(value * 1000) / 1000.0 : null);
    }

    /** A fact (device, size) for the JSON only. */
    void fact(String key, Object value) {
        json.put(key, value);
    }

    /** A section that failed: a table row with the error, and {@code key_error} in the JSON. */
    void failed(String key, String metric, Throwable error) {
        rows.add(new Row(metric, "FAILED", "", String.valueOf(error)));
        json.put(key + "_error", String.valueOf(error));
    }

    boolean hasFailures() {
        return rows.stream().anyMatch(row -> row.value.equals("FAILED"));
    }

    void print(PrintStream out) {
        int[] width = {"metric".length(), "value".length(), "unit".length()};
        for (Row row : rows) {
            width[0] = Math.max(width[0], row.metric.length());
            width[1] = Math.max(width[1], row.value.length());
            width[2] = Math.max(width[2], row.unit.length());
        }
        String format = "%-" + width[0] + "s  %" + width[1] + "s  %-" + width[2] + "s  %s%n";
        out.printf(format, "metric", "value", "unit", "note");
        out.println("-".repeat(width[0] + width[1] + width[2] + 12));
        for (Row row : rows) {
            out.printf(format, row.metric, row.value, row.unit, row.note);
        }
        out.println("GPU_BENCH_JSON " + toJson());
    }

    private String toJson() {
        StringBuilder s = new StringBuilder("{");
        for (Map.Entry<String, Object> entry : json.entrySet()) {
            if (s.length() > 1) {
                s.append(',');
            }
            s.append('"').append(escape(entry.getKey())).append("\":");
            Object value = entry.getValue();
            if (value == null || value instanceof Number || value instanceof Boolean) {
                s.append(value);
            } else {
                s.append('"').append(escape(value.toString())).append('"');
            }
        }
        return s.append('}').toString();
    }

    private static String escape(String text) {
        StringBuilder s = new StringBuilder();
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                default -> {
                    if (c < 0x20) {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        return s.toString();
    }

    private static String format(double value) {
        if (!Double.isFinite(value)) {
            return String.valueOf(value);
        }
        double magnitude = Math.abs(value);
        return String.format(Locale.ROOT, magnitude >= 100 ? "%.0f" : magnitude >= 10 ? "%.1f" : "%.2f", value);
    }
}
