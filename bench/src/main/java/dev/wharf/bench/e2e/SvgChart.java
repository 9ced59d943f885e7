package dev.wharf.bench.e2e;

import java.util.List;
import java.util.Locale;

/**
 * Draws the report's ratios (Wharf/Kafka) as horizontal bars on a log scale from 1/8 to 8,
 * one per figure, growing from the 1x line: right means Wharf's figure is larger. Green bars are
 * where Wharf does better (more throughput, or less latency, CPU or memory), red where it does worse.
 */
final class SvgChart {
    private static final int WIDTH = 1180;
    private static final int LABEL_WIDTH = 400;
    private static final int ROW = 20;
    private static final int TOP = 86;
    private static final double MAX_LOG2 = 3;

    private SvgChart() {
    }

    static String draw(Report report) {
        List<Report.Row> rows = report.rows();
        int plot = WIDTH - LABEL_WIDTH - 290;
        int height = TOP + rows.size() * ROW + 40;
        double center = LABEL_WIDTH + plot / 2.0;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, height));
        s.append(String.format("<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
        s.append(String.format("<text x=\"10\" y=\"22\" font-size=\"16\" font-weight=\"bold\">%s / %s (profile %s, %s)</text>%n",
                escape(report.wharf.label), escape(report.kafka.label), report.profile.name(), report.started.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
        s.append(String.format("<text x=\"10\" y=\"42\" fill=\"#555\">%s</text>%n", escape(report.machine.get("summary"))));
        s.append("<text x=\"10\" y=\"58\" fill=\"#555\">Bars: the ratio Wharf/Kafka on a log scale (Wharf's and Kafka's figures "
                + "beside them); green where Wharf does better, red where it does worse.</text>\n");
        for (double tick : new double[] {0.125, 0.25, 0.5, 1, 2, 4, 8}) {
            double x = x(tick, center, plot);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\"/>%n", x, TOP - 8, x,
                    TOP + rows.size() * ROW, tick == 1 ? "#000" : "#ddd"));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%sx</text>%n", x,
                    TOP - 12, tick < 1 ? "1/" + (int) Math.round(1 / tick) : Integer.toString((int) tick)));
        }
        String last = "";
        for (int i = 0; i < rows.size(); i++) {
            Report.Row row = rows.get(i);
            int y = TOP + i * ROW;
            String name = row.workload().equals(last) ? "" : row.workload() + "  ";
            last = row.workload();
            s.append(String.format("<text x=\"%d\" y=\"%d\" text-anchor=\"end\"><tspan font-weight=\"bold\">%s</tspan>%s</text>%n",
                    LABEL_WIDTH - 8, y + 14, escape(name), escape(row.metric().label)));
            Double ratio = row.ratio();
            if (ratio == null || ratio <= 0) {
                s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#999\">n/a</text>%n", center + 4, y + 14));
                continue;
            }
            double end = x(ratio, center, plot);
            String color = row.wharfBetter() ? "#2e7d32" : "#c62828";
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n",
                    Math.min(center, end), y + 3, Math.max(1, Math.abs(end - center)), ROW - 6, color));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%.2fx <tspan fill=\"#777\">(%s / %s)</tspan></text>%n",
                    Math.max(center, end) + 4, y + 14, ratio, escape(Report.number(row.wharf())), escape(Report.number(row.kafka()))));
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static double x(double ratio, double center, int plot) {
        double log2 = Math.max(-MAX_LOG2, Math.min(MAX_LOG2, Math.log(ratio) / Math.log(2)));
        return center + log2 / MAX_LOG2 * (plot / 2.0);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
