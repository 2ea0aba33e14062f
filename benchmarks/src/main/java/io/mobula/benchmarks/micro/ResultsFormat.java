package io.mobula.benchmarks.micro;

import java.util.List;
import java.util.Locale;

/** The suite's two outputs: an aligned table for people and JSON for machines. */
final class ResultsFormat {
    private ResultsFormat() {
    }

    static String table(List<Measurement> results) {
        String[] header = {"case", "mode", "mobula", "unit", "ray 2.37", "ratio", "target", "met"};
        List<String[]> rows = new java.util.ArrayList<>();
        rows.add(header);
        for (Measurement m : results) {
            MicroCase c = m.microCase();
            double goal = m.connected() ? c.connectedTarget() : c.embeddedTarget();
            String target = c.gigabytes() ? ">= 80% memcpy" : Double.isNaN(goal) ? "-" : ">= " + MicrobenchmarkCommand.format(goal);
            Boolean met = m.metTarget();
            rows.add(new String[] {
                c.name(), m.connected() ? "connected" : "embedded", MicrobenchmarkCommand.format(m.value()), c.unit(),
                MicrobenchmarkCommand.format(c.rayFigure()),
                m.measured() ? String.format(Locale.ROOT, "%.1fx", m.rayRatio()) : "-",
                target, met == null ? "-" : met ? "yes" : "NO"});
        }
        int[] width = new int[header.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            for (int i = 0; i < row.length; i++) {
                boolean numeric = i == 2 || i == 4 || i == 5;
                String cell = numeric ? pad(row[i], width[i], true) : pad(row[i], width[i], false);
                out.append(cell).append(i + 1 < row.length ? "  " : "");
            }
            out.append('\n');
            if (r == 0) {
                int total = 0;
                for (int w : width) {
                    total += w + 2;
                }
                out.append("-".repeat(total - 2)).append('\n');
            }
        }
        for (Measurement m : results) {
            if (m.microCase().gigabytes() && m.measured()) {
                out.append(String.format(Locale.ROOT, "%s: %.2f GB/s = %.0f%% of memcpy (%.2f GB/s into touched memory, same run)%n",
                    m.microCase().name(), m.value(), 100 * m.memcpyRatio(), m.memcpyGbps()));
            }
        }
        out.append("notes:\n");
        for (Measurement m : results) {
            out.append("  ").append(m.microCase().name()).append(": ").append(m.microCase().note()).append('\n');
        }
        return out.toString();
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        return right ? fill + s : s + fill;
    }

    static String json(List<Measurement> results) {
        StringBuilder out = new StringBuilder("{");
        java.util.Map<String, Double> connected = new java.util.HashMap<>();
        for (Measurement m : results) {
            if (m.connected()) {
                connected.put(m.microCase().name(), m.value());
            }
        }
        int written = 0;
        for (Measurement m : results) {
            if (m.connected()) {
                continue;
            }
            Double remote = connected.get(m.microCase().name());
            out.append(written++ == 0 ? "\n" : ",\n").append("  \"").append(m.microCase().name()).append("\": {\"embedded\": ")
                .append(number(m.value())).append(", \"connected\": ").append(remote == null ? "null" : number(remote));
            if (m.microCase().gigabytes()) {
                out.append(", \"memcpy_gbps\": ").append(number(m.memcpyGbps()))
                    .append(", \"ratio_to_memcpy\": ").append(number(m.memcpyRatio()));
            }
            out.append('}');
        }
        return out.append("\n}").toString();
    }

    private static String number(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "null" : String.format(Locale.ROOT, "%.4f", value);
    }
}
