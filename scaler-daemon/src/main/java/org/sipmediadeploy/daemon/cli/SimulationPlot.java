package org.sipmediadeploy.daemon.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.sipmediadeploy.core.sim.SimReport;

/**
 * Draws a replay as SVG (plain text, no library): one panel per strategy on a shared time axis, with the hosts
 * kept (blue), the busy gateways (grey area) and the calls rejected per sample (red bars, on their own scale).
 */
final class SimulationPlot {
    private static final int WIDTH = 1200;
    private static final int PANEL = 170;
    private static final int LEFT = 60;
    private static final int TOP = 40;
    private static final int GAP = 40;

    private SimulationPlot() {}

    static void write(Path file, String title, List<SimReport> reports) throws IOException {
        Files.writeString(file, svg(title, reports), StandardCharsets.UTF_8);
    }

    static String svg(String title, List<SimReport> reports) {
        long span = 1;
        int yMax = 1;
        for (SimReport r : reports) {
            for (SimReport.Sample s : r.timeline()) {
                span = Math.max(span, s.second());
                yMax = Math.max(yMax, Math.max(s.hosts(), s.busyGateways()));
            }
        }
        int height = TOP + reports.size() * (PANEL + GAP);
        int plotW = WIDTH - LEFT - 20;
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                        + "font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" "
                        + "fill=\"white\"/>%n<text x=\"%d\" y=\"20\" font-size=\"15\">%s: hosts (blue), busy gateways (grey), "
                        + "rejected calls (red, per sample)</text>%n",
                WIDTH,
                height,
                LEFT,
                xml(title)));
        for (int i = 0; i < reports.size(); i++) {
            SimReport r = reports.get(i);
            int y0 = TOP + i * (PANEL + GAP) + 15;
            int base = y0 + PANEL;
            b.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%d\">%s: %d of %d rejected (%.2f %%), %.1f "
                            + "gateway-hours, peak %d hosts</text>%n",
                    LEFT,
                    y0 - 4,
                    xml(r.strategy()),
                    r.rejected(),
                    r.calls(),
                    r.rejectedPercent(),
                    r.gatewayHours(),
                    r.peakHosts()));
            b.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" " + "stroke=\"#999\"/>%n",
                    LEFT,
                    y0,
                    plotW,
                    PANEL));
            b.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%d</text>%n"
                            + "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>%n",
                    LEFT - 4,
                    y0 + 10,
                    yMax,
                    LEFT - 4,
                    base));
            for (long h = 0; h <= span; h += span > 2 * 86_400 ? 86_400 : 3_600 * 3) {
                double x = LEFT + (double) plotW * h / span;
                b.append(String.format(
                        Locale.ROOT,
                        "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" " + "fill=\"#666\">%dh</text>%n",
                        x,
                        base + 13,
                        h / 3600));
            }
            StringBuilder busy = new StringBuilder();
            StringBuilder hosts = new StringBuilder();
            StringBuilder rejects = new StringBuilder();
            int maxRejects = 1;
            int previous = 0;
            for (SimReport.Sample s : r.timeline()) {
                maxRejects = Math.max(maxRejects, s.rejectedSoFar() - previous);
                previous = s.rejectedSoFar();
            }
            previous = 0;
            busy.append(String.format(Locale.ROOT, "%d,%d ", LEFT, base));
            for (SimReport.Sample s : r.timeline()) {
                double x = LEFT + (double) plotW * s.second() / span;
                busy.append(
                        String.format(Locale.ROOT, "%.1f,%.1f ", x, base - (double) PANEL * s.busyGateways() / yMax));
                hosts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, base - (double) PANEL * s.hosts() / yMax));
                int now = s.rejectedSoFar() - previous;
                previous = s.rejectedSoFar();
                if (now > 0) {
                    double h = Math.max(2, (double) PANEL * 0.5 * now / maxRejects);
                    rejects.append(String.format(
                            Locale.ROOT,
                            "<rect x=\"%.1f\" y=\"%.1f\" width=\"1.5\" " + "height=\"%.1f\" fill=\"#d00\"/>%n",
                            x,
                            base - h,
                            h));
                }
            }
            busy.append(String.format(Locale.ROOT, "%d,%d", LEFT + plotW, base));
            b.append("<polygon fill=\"#bbb\" points=\"").append(busy).append("\"/>\n");
            b.append("<polyline fill=\"none\" stroke=\"#1f5fbf\" stroke-width=\"1\" points=\"")
                    .append(hosts)
                    .append("\"/>\n");
            b.append(rejects);
        }
        return b.append("</svg>\n").toString();
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
