package io.mobula.ml.sgd;

import java.util.List;
import java.util.Locale;

/** The training loss per epoch drawn as a small standalone SVG line chart. */
public final class LossCurveSvg {
    private static final int WIDTH = 640;
    private static final int HEIGHT = 400;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;

    private LossCurveSvg() {
    }

    public static String render(String title, List<EpochReport> epochs) {
        if (epochs.isEmpty()) {
            throw new IllegalArgumentException("no epochs to draw");
        }
        double max = epochs.stream().mapToDouble(EpochReport::trainLoss).max().orElse(1);
        double min = Math.min(0, epochs.stream().mapToDouble(EpochReport::trainLoss).min().orElse(0));
        double span = max > min ? max - min : 1;
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        int n = epochs.size();
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"14\">%s</text>%n", LEFT, escape(title)));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", LEFT, TOP, LEFT,
            TOP + plotH));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", LEFT, TOP + plotH,
            LEFT + plotW, TOP + plotH));
        for (int t = 0; t <= 4; t++) {
            double value = min + span * t / 4;
            double y = TOP + plotH - plotH * (double) t / 4;
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.3g</text>%n", LEFT - 6, y + 4, value));
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n", LEFT + 1, y,
                LEFT + plotW, y));
        }
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < n; i++) {
            double x = LEFT + (n == 1 ? plotW / 2.0 : plotW * (double) i / (n - 1));
            double y = TOP + plotH - plotH * (epochs.get(i).trainLoss() - min) / span;
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#1f77b4\"/>%n", x, y));
            if (n <= 20 || i % Math.ceil(n / 10.0) == 0) {
                svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n", x, TOP + plotH + 16,
                    epochs.get(i).epoch() + 1));
            }
        }
        svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"%s\"/>%n",
            points.toString().strip()));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">epoch</text>%n", LEFT + plotW / 2,
            HEIGHT - 10));
        svg.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" text-anchor=\"middle\">"
            + "training loss</text>%n", TOP + plotH / 2, TOP + plotH / 2));
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
