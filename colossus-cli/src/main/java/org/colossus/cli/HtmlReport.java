package org.colossus.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.colossus.fleet.Fleet;
import org.colossus.sim.SimResult;
import org.colossus.sim.Workload;

/**
 * A self-contained HTML report of a simulation: summary table and inline SVG plots (utilization over time, queue
 * length over time, wait-time CDF per tenant). No scripts, no external files: it opens offline anywhere.
 */
final class HtmlReport {
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
        "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    private static final int W = 720;
    private static final int H = 260;
    private static final int PAD = 48;

    private HtmlReport() {
    }

    static String render(String name, Fleet fleet, List<SimResult> results) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(name))
                .append(" - Colossus simulation</title><style>body{font-family:system-ui,sans-serif;margin:2em;max-width:900px}"
                        + "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}"
                        + "th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}svg{background:#fff;border:1px solid #ddd}"
                        + ".map-wrap{display:flex;gap:12px;flex-wrap:wrap;align-items:flex-start}canvas.plot{border:1px solid #ddd}"
                        + ".legend div{font-size:12px}.swatch{display:inline-block;width:10px;height:10px;margin-right:4px}"
                        + "figure{margin:0}figure figcaption{display:none}caption{font-size:12px;color:#666}"
                        + "</style></head><body>");
        b.append("<h1>").append(esc(name)).append("</h1><p>").append(esc(fleet.name())).append(", ")
                .append(String.format(Locale.ROOT, "%,d", fleet.gpuCount())).append(" GPUs; placement ")
                .append(esc(results.get(0).placement())).append(", isolation ").append(esc(results.get(0).isolation()))
                .append(".</p>");
        b.append("<h2>Summary</h2><table><tr><th>policy</th><th>jobs</th><th>completed</th><th>makespan h</th>"
                + "<th>mean wait s</th><th>p99 wait s</th><th>mean JCT h</th><th>utilization</th><th>goodput</th>"
                + "<th>preemptions</th><th>node failures</th><th>lost GPU-h</th><th>isolation violations</th></tr>");
        for (SimResult r : results) {
            SimResult.Summary s = r.summary();
            b.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%d</td><td>%d</td><td>%.1f</td><td>%.1f</td><td>%.1f</td>"
                    + "<td>%.2f</td><td>%.1f%%</td><td>%.1f%%</td><td>%d</td><td>%d</td><td>%.0f</td><td>%d</td></tr>",
                    esc(r.policy()), s.jobs(), s.completed(), s.makespanSeconds() / 3600, s.meanWaitSeconds(),
                    s.p99WaitSeconds(), s.meanJctSeconds() / 3600, s.utilization() * 100, s.goodput() * 100,
                    s.preemptions(), s.nodeFailures(), s.lostGpuHours(), s.isolationViolations()));
        }
        b.append("</table>");
        estimateGaps(b, org.colossus.sim.EstimateGaps.of(results));

        List<String> labels = new ArrayList<>();
        List<double[]> xs = new ArrayList<>();
        List<double[]> util = new ArrayList<>();
        List<double[]> queue = new ArrayList<>();
        for (SimResult r : results) {
            labels.add(r.policy());
            xs.add(Arrays.stream(r.series().timeSeconds()).map(t -> t / 3600).toArray());
            util.add(Arrays.stream(r.series().utilization()).map(u -> u * 100).toArray());
            queue.add(Arrays.stream(r.series().queuedJobs()).asDoubleStream().toArray());
        }
        Map<String, Object> charts = new java.util.LinkedHashMap<>();
        timeChart(b, charts, "GPU utilization over time", "% of GPUs allocated", labels, xs, util, 100);
        timeChart(b, charts, "Queue length over time", "queued jobs", labels, xs, queue, Double.NaN);

        if (results.get(0).revenue() != null) {
            SimResult.Revenue rev0 = results.get(0).revenue();
            b.append("<h2>Billed (").append(esc(rev0.currency())).append(", the ledger's invoices; time 0 is ")
                    .append(esc(rev0.start())).append(")</h2><table><tr><th>policy</th><th>tenant</th><th>reserved</th>"
                            + "<th>on-demand</th><th>preemptible</th><th>total</th><th>energy kWh</th><th>kg CO2e</th>"
                            + "<th>lost GPU-h</th></tr>");
            List<String> rl = new ArrayList<>();
            List<double[]> rx = new ArrayList<>();
            List<double[]> ramount = new ArrayList<>();
            List<double[]> renergy = new ArrayList<>();
            for (SimResult r : results) {
                List<SimResult.TenantRevenue> rows = new ArrayList<>(r.revenue().tenants());
                rows.add(r.revenue().total());
                for (SimResult.TenantRevenue t : rows) {
                    b.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
                                    + "<td>%s</td><td>%s</td><td>%s</td><td>%.0f</td></tr>", esc(r.policy()),
                            esc(t.tenant()), t.reserved(), t.onDemand(), t.preemptible(), t.total(), t.kwh(),
                            t.kgCo2e(), t.lostGpuHours()));
                }
                SimResult.RevenueSeries rs = r.revenue().series();
                rl.add(r.policy());
                rx.add(Arrays.stream(rs.timeSeconds()).map(t -> t / 3600).toArray());
                ramount.add(Arrays.stream(rs.amount()).map(a -> a / 1e6).toArray());
                renergy.add(Arrays.stream(rs.kwh()).map(k -> k / 1000).toArray());
            }
            b.append("</table>");
            timeChart(b, charts, "Billed over time (cumulative)", "million " + rev0.currency(), rl, rx, ramount,
                    Double.NaN);
            timeChart(b, charts, "Facility energy over time (cumulative)", "MWh", rl, rx, renergy, Double.NaN);
        }

        for (SimResult r : results) {
            Map<String, List<Double>> waits = new TreeMap<>();
            Workload w = r.workload();
            for (int i = 0; i < w.size(); i++) {
                if (!Double.isNaN(r.startSeconds()[i])) {
                    waits.computeIfAbsent(w.tenants().get(w.tenantOf()[i]), k -> new ArrayList<>())
                            .add(Math.max(1, r.startSeconds()[i] - w.submitSeconds()[i]));
                }
            }
            List<String> tl = new ArrayList<>();
            List<double[]> cx = new ArrayList<>();
            List<double[]> cy = new ArrayList<>();
            waits.forEach((tenant, list) -> {
                double[] sorted = list.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                int points = Math.min(sorted.length, 200);
                double[] x = new double[points];
                double[] y = new double[points];
                for (int p = 0; p < points; p++) {
                    int idx = (int) ((long) p * (sorted.length - 1) / Math.max(1, points - 1));
                    x[p] = Math.log10(sorted[idx]);
                    y[p] = 100.0 * (idx + 1) / sorted.length;
                }
                tl.add(tenant);
                cx.add(x);
                cy.add(y);
            });
            b.append("<h2>Wait-time CDF per tenant (").append(esc(r.policy())).append(")</h2>")
                    .append(lines(tl, cx, cy, "log10 wait (s; waits under 1 s shown as 1 s)", "% of started jobs", 100));
        }
        b.append("<p style=\"color:#777;font-size:12px\">Generated by colossus simulate. Metric definitions: docs/simulator.md.</p>");
        scripts(b, charts);
        return b.append("</body></html>\n").toString();
    }

    /** The console's plot module (colossus-server), embedded as it is: the report and the console share their charts. */
    static final String TIMESERIES_JS = "/org/colossus/server/console/timeseries.js";

    /**
     * A time plot drawn in the browser by the console's own plot module, from the data in the page; a reader without
     * JavaScript gets the same series as SVG.
     */
    private static void timeChart(StringBuilder b, Map<String, Object> charts, String title, String unit,
                                  List<String> labels, List<double[]> xs, List<double[]> ys, double yMax) {
        String id = "chart-" + charts.size();
        List<Object> series = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            series.add(List.of(labels.get(i), ys.get(i), xs.get(i)));
        }
        charts.put(id, Map.of("title", title, "unit", unit, "series", series));
        b.append("<h2>").append(esc(title)).append("</h2><div class=\"chart\" data-chart=\"").append(id)
                .append("\"></div><noscript>").append(lines(labels, xs, ys, "hours", unit, yMax)).append("</noscript>");
    }

    private static void scripts(StringBuilder b, Map<String, Object> charts) {
        if (charts.isEmpty()) {
            return;
        }
        byte[] module;
        try (java.io.InputStream in = HtmlReport.class.getResourceAsStream(TIMESERIES_JS)) {
            if (in == null) {
                throw new IllegalStateException(TIMESERIES_JS + " is not on the class path");
            }
            module = in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        // "</" cannot end the data block early: JSON allows "<\/" for "</".
        b.append("<script type=\"application/json\" id=\"colossus-charts\">")
                .append(Json.write(charts).replace("</", "<\\/")).append("</script>");
        b.append("<script type=\"module\">import { plot } from 'data:text/javascript;base64,")
                .append(java.util.Base64.getEncoder().encodeToString(module)).append("';\n")
                .append("""
                        function h(tag, attrs, ...children) {
                          const el = document.createElement(tag);
                          for (const [k, v] of Object.entries(attrs || {})) {
                            if (v !== null && v !== undefined && v !== false) el.setAttribute(k, v === true ? '' : String(v));
                          }
                          for (const c of children.flat()) {
                            if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
                          }
                          return el;
                        }
                        const charts = JSON.parse(document.getElementById('colossus-charts').textContent);
                        for (const el of document.querySelectorAll('[data-chart]')) {
                          const c = charts[el.dataset.chart];
                          el.append(plot(h, c.title, c.unit, [], c.series, { timeLabel: t => t.toFixed(1) + ' h' }));
                        }
                        document.body.dataset.chartsDrawn = String(document.querySelectorAll('canvas.plot').length);
                        """).append("</script>");
    }

    private static String lines(List<String> labels, List<double[]> xs, List<double[]> ys, String xLabel, String yLabel,
                                double yMaxFixed) {
        double xMin = Double.POSITIVE_INFINITY, xMax = Double.NEGATIVE_INFINITY, yMax = 0;
        for (int i = 0; i < xs.size(); i++) {
            for (double x : xs.get(i)) {
                xMin = Math.min(xMin, x);
                xMax = Math.max(xMax, x);
            }
            for (double y : ys.get(i)) {
                yMax = Math.max(yMax, y);
            }
        }
        if (!Double.isNaN(yMaxFixed)) {
            yMax = yMaxFixed;
        }
        if (!(xMax > xMin)) {
            xMax = xMin + 1;
        }
        if (!(yMax > 0)) {
            yMax = 1;
        }
        int legendRows = (xs.size() + 4) / 5;
        int height = H + 8 + legendRows * 16;
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">", W, height, W, height));
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>", PAD, H - PAD, W - 10, H - PAD));
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"10\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>", PAD, PAD, H - PAD));
        for (int t = 0; t <= 4; t++) {
            double yv = yMax * t / 4;
            double py = H - PAD - (H - PAD - 10) * t / 4.0;
            double xv = xMin + (xMax - xMin) * t / 4;
            double px = PAD + (W - 10 - PAD) * t / 4.0;
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%s</text>", PAD - 4, py + 3, num(yv)));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%s</text>", px, H - PAD + 14, num(xv)));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>",
                (W + PAD) / 2, H - PAD + 30, esc(xLabel)));
        s.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%d\" font-size=\"11\" transform=\"rotate(-90 12 %d)\" text-anchor=\"middle\">%s</text>",
                (H - PAD) / 2, (H - PAD) / 2, esc(yLabel)));
        for (int i = 0; i < xs.size(); i++) {
            StringBuilder pts = new StringBuilder();
            double[] x = xs.get(i);
            double[] y = ys.get(i);
            for (int k = 0; k < x.length; k++) {
                double px = PAD + (W - 10 - PAD) * (x[k] - xMin) / (xMax - xMin);
                double py = H - PAD - (H - PAD - 10) * Math.min(1, y[k] / yMax);
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
            }
            String color = COLORS[i % COLORS.length];
            s.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"1.5\" points=\"")
                    .append(pts).append("\"/>");
            int legendY = H - 2 + (i / 5) * 16;
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>", PAD + 10 + (i % 5) * 130, legendY,
                    color, PAD + 24 + (i % 5) * 130, legendY + 9, esc(labels.get(i))));
        }
        return s.append("</svg>").toString();
    }

    /** What estimates cost against exact run times: a bar per run (its text alternative is the table under it). */
    private static void estimateGaps(StringBuilder b, List<org.colossus.sim.EstimateGaps.Row> gaps) {
        if (gaps.isEmpty()) {
            return;
        }
        b.append("<h2>What estimates cost against exact run times</h2><p>Mean wait with each estimate source minus the"
                + " mean wait of the same policy planning with exact run times (red: waiting the estimates added;"
                + " green: waiting they saved).</p>");
        double max = gaps.stream().mapToDouble(g -> Math.abs(g.meanWaitCostSeconds())).max().orElse(0);
        max = max == 0 ? 1 : max;
        int rowH = 22;
        int label = 180;
        int half = (W - label - 20) / 2;
        int height = rowH * gaps.size() + 30;
        b.append("<svg width=\"").append(W).append("\" height=\"").append(height).append("\" role=\"img\""
                + " aria-label=\"Mean wait cost of each estimate source; the table below has the values\">");
        int zero = label + half;
        b.append("<line x1=\"").append(zero).append("\" y1=\"4\" x2=\"").append(zero).append("\" y2=\"")
                .append(height - 20).append("\" stroke=\"#333\"/>");
        for (int i = 0; i < gaps.size(); i++) {
            var g = gaps.get(i);
            int y = 8 + i * rowH;
            double w = Math.abs(g.meanWaitCostSeconds()) / max * (half - 70);
            double x = g.meanWaitCostSeconds() >= 0 ? zero : zero - w;
            b.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\" font-size=\"12\">%s</text>", y + 13,
                    esc(g.policy() + "/" + g.estimates())));
            b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>",
                    x, y, w, rowH - 6, g.meanWaitCostSeconds() >= 0 ? "#d62728" : "#2ca02c"));
            double tx = g.meanWaitCostSeconds() >= 0 ? zero + w + 4 : zero - w - 4;
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" text-anchor=\"%s\">%+.0f s"
                    + "</text>", tx, y + 13, g.meanWaitCostSeconds() >= 0 ? "start" : "end", g.meanWaitCostSeconds()));
        }
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">mean wait"
                + " cost, seconds</text></svg>", zero, height - 4));
        b.append("<table><tr><th>policy/estimates</th><th>mean wait s</th><th>with exact s</th><th>cost s</th>"
                + "<th>p99 wait s</th><th>with exact s</th><th>cost s</th><th>mean JCT cost s</th></tr>");
        for (var g : gaps) {
            b.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%.1f</td><td>%.1f</td><td>%+.1f</td><td>%.1f</td>"
                    + "<td>%.1f</td><td>%+.1f</td><td>%+.1f</td></tr>", esc(g.policy() + "/" + g.estimates()),
                    g.meanWaitSeconds(), g.exactMeanWaitSeconds(), g.meanWaitCostSeconds(), g.p99WaitSeconds(),
                    g.exactP99WaitSeconds(), g.p99WaitCostSeconds(), g.meanJctCostSeconds()));
        }
        b.append("</table>");
    }

    private static String num(double v) {
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
