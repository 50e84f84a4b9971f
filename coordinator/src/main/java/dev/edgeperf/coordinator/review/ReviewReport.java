package dev.edgeperf.coordinator.review;

import dev.edgeperf.coordinator.store.JobState;
import dev.edgeperf.coordinator.store.ResultField;
import dev.edgeperf.coordinator.store.ResultRecord;
import dev.edgeperf.core.EdgeperfException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The campaign report ({@code campaign report ID --format html|md|json}): fleet, settings, variants (size,
 * MACs, accuracy, fidelity), per-device results, speedups with 95 % CIs, Pareto fronts, predicted vs measured,
 * top layers (measured vs predicted vs MACs) and provenance, from one set of sections so the three formats say the same. The HTML is self-contained: its
 * charts are inline SVG, it loads nothing.
 */
public final class ReviewReport {
    /** One agent of the fleet as the report lists it. */
    public record FleetEntry(String name, String board, String arch, String cpuModel, String engineVersion,
                             boolean connected) {
    }

    /** A table: title, a sentence on what its numbers are, columns, rows of cells ("-" = no value). */
    record Table(String title, String legend, List<String> columns, List<List<String>> rows) {
    }

    private final String campaignId;
    private final String name;
    private final String state;
    private final CampaignRows rows;
    private final List<FleetEntry> fleet;
    private final Speedups speedups;
    private final Map<ParetoFront.Metric, ParetoFront> fronts = new LinkedHashMap<>();

    public ReviewReport(String name, String state, CampaignRows rows, List<FleetEntry> fleet) {
        this.campaignId = rows.campaignId();
        this.name = Objects.requireNonNull(name, "name is null");
        this.state = Objects.requireNonNull(state, "state is null");
        this.rows = rows;
        this.fleet = List.copyOf(fleet);
        this.speedups = Speedups.of(rows, null);
        if (!rows.measured().isEmpty()) {
            for (ParetoFront.Metric m : ParetoFront.Metric.values()) {
                fronts.put(m, ParetoFront.of(rows, m, null, null));
            }
        }
    }

    /** @throws EdgeperfException USER_ERROR for a format other than html, md or json */
    public String render(String format) {
        return switch (format == null ? "" : format.strip().toLowerCase(Locale.ROOT)) {
            case "md", "markdown" -> markdown();
            case "html" -> html();
            case "json" -> json();
            default -> throw EdgeperfException.userError("--format must be html, md or json, got '" + format + "'");
        };
    }

    List<Table> tables() {
        List<Table> t = new ArrayList<>();
        t.add(new Table("Fleet", "agents the coordinator knows", List.of("agent", "board", "arch", "CPU", "engine",
                "connected"), fleet.stream().map(f -> List.of(f.name(), dash(f.board()), dash(f.arch()),
                dash(f.cpuModel()), dash(f.engineVersion()), f.connected() ? "yes" : "no")).toList()));
        t.add(settings());
        t.add(variants());
        t.add(results());
        t.add(speedupTable());
        for (ParetoFront f : fronts.values()) {
            t.add(paretoTable(f));
        }
        t.add(predictions());
        t.add(TopLayers.table(rows));
        t.add(provenance());
        return t;
    }

    private Table settings() {
        List<List<String>> r = new ArrayList<>();
        r.add(List.of("campaign", campaignId + " (" + name + "), " + state));
        r.add(List.of("results", rows.rows().size() + " ended jobs, " + rows.measured().size() + " measured"));
        r.add(List.of("batches", distinct(ResultField.BATCH_SIZE)));
        r.add(List.of("threads (resolved)", distinct(ResultField.THREADS)));
        r.add(List.of("concurrency", distinct(ResultField.CONCURRENCY)));
        r.add(List.of("min iterations / min ms / max ms", distinct(ResultField.MIN_ITERATIONS) + " / "
                + distinct(ResultField.MIN_DURATION_MS) + " / " + distinct(ResultField.MAX_DURATION_MS)));
        r.add(List.of("target CI half-width", distinct(ResultField.TARGET_CI_HALF_WIDTH)));
        r.add(List.of("calibration", distinct(ResultField.CALIBRATION)));
        r.add(List.of("evaluation", distinct(ResultField.EVALUATION)));
        r.add(List.of("quality axis", rows.qualityKind()));
        return new Table("Settings", "0 = the agent's default", List.of("setting", "value"), r);
    }

    private Table variants() {
        Map<String, ResultRecord> first = new LinkedHashMap<>();
        for (ResultRecord r : rows.rows()) {
            first.putIfAbsent(r.text(ResultField.MODEL_NAME) + "\n" + r.text(ResultField.VARIANT_RECIPE), r);
        }
        long minBatch = rows.rows().stream().mapToLong(r -> r.integer(ResultField.BATCH_SIZE)).min().orElse(1);
        List<List<String>> out = new ArrayList<>();
        for (ResultRecord v : first.values()) {
            ResultRecord atMin = rows.rows().stream().filter(r -> r.integer(ResultField.BATCH_SIZE) == minBatch
                    && r.text(ResultField.MODEL_NAME).equals(v.text(ResultField.MODEL_NAME))
                    && r.text(ResultField.VARIANT_RECIPE).equals(v.text(ResultField.VARIANT_RECIPE))).findFirst()
                    .orElse(v);
            out.add(List.of(v.text(ResultField.MODEL_NAME), v.text(ResultField.VARIANT_RECIPE)
                            + (Boolean.TRUE.equals(v.get(ResultField.VARIANT_NOOP)) ? " (no-op)" : ""),
                    String.format(Locale.ROOT, "%,d", v.integer(ResultField.MODEL_SIZE_BYTES)),
                    atMin.get(ResultField.MACS) == null ? "-"
                            : String.format(Locale.ROOT, "%,d", atMin.integer(ResultField.MACS)),
                    pct(v, ResultField.ACCURACY_TOP1), pct(v, ResultField.ACCURACY_TOP5),
                    num(v, ResultField.EVAL_FIDELITY_COSINE, 4), num(v, ResultField.EVAL_FIDELITY_SQNR_DB, 1),
                    num(v, ResultField.FIDELITY_COSINE, 4)));
        }
        return new Table("Variants", "size of the ONNX file; MACs = multiply-accumulates of one call at batch " + minBatch
                + " from the cost model (the variant's per-node profile at the job's shapes; '-' = not leased yet)"
                + "; accuracy and eval fidelity on the evaluation data, calibration cosine on the calibration data",
                List.of("model", "variant", "size bytes", "MACs", "top-1", "top-5", "eval cosine", "eval SQNR dB",
                        "calibration cosine"), out);
    }

    private Table results() {
        List<List<String>> out = new ArrayList<>();
        for (ResultRecord r : rows.rows()) {
            boolean done = r.state() == JobState.DONE;
            out.add(List.of(dash(r.text(ResultField.AGENT_NAME)), r.text(ResultField.MODEL_NAME),
                    r.text(ResultField.VARIANT_RECIPE), String.valueOf(r.integer(ResultField.BATCH_SIZE)),
                    String.valueOf(r.integer(ResultField.THREADS)), num(r, ResultField.P50_MS, 4),
                    r.real(ResultField.P50_CI95_LOW_MS).isPresent() ? "[" + num(r, ResultField.P50_CI95_LOW_MS, 4) + ", "
                            + num(r, ResultField.P50_CI95_HIGH_MS, 4) + "]" : "-",
                    num(r, ResultField.P99_MS, 4), num(r, ResultField.THROUGHPUT_SAMPLES_PER_S, 1),
                    done ? "done" : r.state() + ": " + dash(r.text(ResultField.FAILURE_REASON))));
        }
        return new Table("Results per device", "compute latency per batch (session run only), ms; throughput in"
                + " samples/s", List.of("device", "model", "variant", "batch", "threads", "p50 ms", "p50 95% CI",
                "p99 ms", "samples/s", "state"), out);
    }

    private Table speedupTable() {
        List<List<String>> out = new ArrayList<>();
        for (Speedups.Row s : speedups.rows()) {
            out.add(List.of(s.device(), s.model(), s.variant(), String.valueOf(s.batch()), String.valueOf(s.threads()),
                    f(s.speedup(), 3) + "x", s.ciLow() == null ? "-" : "[" + f(s.ciLow(), 3) + ", " + f(s.ciHigh(), 3)
                            + "]", s.different() == null ? "-" : s.different() ? "yes" : "no"));
        }
        return new Table("Speedup vs baseline", "baseline p50 / variant p50 on the same device, batch and threads;"
                + " 95% CI by bootstrap over the two stored latency histograms; different = the CI excludes 1",
                List.of("device", "model", "variant", "batch", "threads", "speedup", "95% CI", "different"), out);
    }

    private Table paretoTable(ParetoFront front) {
        List<List<String>> out = new ArrayList<>();
        for (ParetoFront.Device d : front.devices()) {
            for (ParetoFront.Point p : d.points()) {
                out.add(List.of(d.device(), p.model(), p.variant(), String.valueOf(p.batch()),
                        front.metric() == ParetoFront.Metric.SIZE ? String.format(Locale.ROOT, "%,.0f", p.x()) : f(p.x(), 4),
                        f(p.quality(), 4), p.paretoOptimal() ? "yes" : "no"));
            }
        }
        return new Table("Pareto: " + front.quality() + " vs " + front.metric().key(), "x = " + front.metric().label()
                + "; quality = " + front.quality() + "; per device and batch, Pareto-optimal = nothing else is both at"
                + " least as cheap and at least as good", List.of("device", "model", "variant", "batch", "x", "quality",
                "Pareto-optimal"), out);
    }

    private Table predictions() {
        List<List<String>> out = new ArrayList<>();
        for (ResultRecord r : rows.measured()) {
            if (r.real(ResultField.PREDICTED_MS).isEmpty()) {
                continue;
            }
            double p = r.real(ResultField.PREDICTED_MS).get();
            double m = r.real(ResultField.P50_MS).get();
            out.add(List.of(r.text(ResultField.AGENT_NAME), r.text(ResultField.MODEL_NAME),
                    r.text(ResultField.VARIANT_RECIPE), String.valueOf(r.integer(ResultField.BATCH_SIZE)),
                    dash(r.text(ResultField.PEAK_BASIS)), f(p, 4), f(m, 4), f(m / p, 2) + "x",
                    String.format(Locale.ROOT, "%+.0f%%", 100 * (p - m) / m)));
        }
        return new Table("Predicted vs measured", "FLOPs / peak predictor made at lease time; error = (predicted -"
                + " measured p50) / measured", List.of("device", "model", "variant", "batch", "peak basis",
                "predicted ms", "measured p50 ms", "measured/predicted", "error"), out);
    }

    private Table provenance() {
        List<List<String>> out = new ArrayList<>();
        for (ResultRecord r : rows.measured()) {
            out.add(List.of(r.text(ResultField.AGENT_NAME), r.text(ResultField.MODEL_NAME),
                    r.text(ResultField.VARIANT_RECIPE), String.valueOf(r.integer(ResultField.BATCH_SIZE)),
                    dash(r.text(ResultField.ENGINE)) + " " + dash(r.text(ResultField.ENGINE_VERSION)),
                    dash(r.text(ResultField.EXECUTION_PROVIDER)),
                    Boolean.TRUE.equals(r.get(ResultField.THROTTLED)) ? "yes: " + r.text(ResultField.THROTTLE_EVIDENCE)
                            : "no", num(r, ResultField.LOAD_AVERAGE_1M, 2), num(r, ResultField.CPU_TEMP_BEFORE_C, 1)
                            + " / " + num(r, ResultField.CPU_TEMP_AFTER_C, 1), dash(r.text(ResultField.STOP_REASON))));
        }
        return new Table("Provenance", "engine and provider that ran each job, CPU throttling, 1-minute load average"
                + " and CPU temperature (C) before / after the runs, why the timed runs stopped", List.of("device",
                "model", "variant", "batch", "engine", "provider", "throttled", "load 1m", "CPU C", "stop"), out);
    }

    String markdown() {
        StringBuilder s = new StringBuilder("# Campaign report: ").append(name).append("\n\n");
        s.append("Campaign `").append(campaignId).append("`, ").append(state).append(".\n\n");
        for (Table t : tables()) {
            s.append("## ").append(t.title()).append("\n\n_").append(t.legend()).append("_\n\n");
            if (t.rows().isEmpty()) {
                s.append("(none)\n\n");
                continue;
            }
            s.append("| ").append(String.join(" | ", t.columns())).append(" |\n|");
            t.columns().forEach(c -> s.append(" --- |"));
            s.append('\n');
            for (List<String> r : t.rows()) {
                s.append("| ").append(String.join(" | ", r.stream().map(c -> c.replace("|", "\\|")).toList()))
                        .append(" |\n");
            }
            s.append('\n');
        }
        return s.toString();
    }

    String html() {
        StringBuilder s = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>Campaign report: ").append(esc(name)).append("</title><style>"
                + "body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}"
                + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;font-size:13px}th{background:#f3f3f3}"
                + ".legend{color:#555;font-size:13px}svg{border:1px solid #ddd;margin:.5em 1em 1em 0}"
                + "</style></head><body>\n<h1>Campaign report: ").append(esc(name)).append("</h1>\n<p>Campaign <code>")
                .append(esc(campaignId)).append("</code>, ").append(esc(state)).append(".</p>\n");
        for (Table t : tables()) {
            s.append("<h2>").append(esc(t.title())).append("</h2>\n<p class=\"legend\">").append(esc(t.legend()))
                    .append("</p>\n");
            if (t.title().startsWith("Pareto")) {
                ParetoFront f = fronts.values().stream().filter(x -> t.title().endsWith(" " + x.metric().key()))
                        .findFirst().orElse(null);
                if (f != null) {
                    s.append(charts(f));
                }
            }
            s.append("<table><tr>");
            t.columns().forEach(c -> s.append("<th>").append(esc(c)).append("</th>"));
            s.append("</tr>\n");
            for (List<String> r : t.rows()) {
                s.append("<tr>");
                r.forEach(c -> s.append("<td>").append(esc(c)).append("</td>"));
                s.append("</tr>\n");
            }
            s.append("</table>\n");
        }
        return s.append("</body></html>\n").toString();
    }

    /** One inline SVG scatter per device and batch: cost on x, quality on y, Pareto points filled and joined. */
    private String charts(ParetoFront front) {
        StringBuilder s = new StringBuilder();
        for (ParetoFront.Device d : front.devices()) {
            Map<Integer, List<ParetoFront.Point>> byBatch = new java.util.TreeMap<>();
            d.points().forEach(p -> byBatch.computeIfAbsent(p.batch(), b -> new ArrayList<>()).add(p));
            byBatch.forEach((batch, points) -> s.append(svg(d.device() + ", batch " + batch, front, points)));
        }
        return s.toString();
    }

    private static String svg(String title, ParetoFront front, List<ParetoFront.Point> points) {
        int w = 420;
        int h = 280;
        int left = 60;
        int bottom = 40;
        double xmin = points.stream().mapToDouble(ParetoFront.Point::x).min().orElse(0);
        double xmax = points.stream().mapToDouble(ParetoFront.Point::x).max().orElse(1);
        double ymin = points.stream().mapToDouble(ParetoFront.Point::quality).min().orElse(0);
        double ymax = points.stream().mapToDouble(ParetoFront.Point::quality).max().orElse(1);
        double xs = xmax > xmin ? xmax - xmin : Math.max(1e-9, Math.abs(xmax));
        double ys = ymax > ymin ? ymax - ymin : 0.01;
        xmin -= 0.05 * xs;
        xs *= 1.1;
        ymin -= 0.05 * ys;
        ys *= 1.1;
        final double fxmin = xmin;
        final double fxs = xs;
        final double fymin = ymin;
        final double fys = ys;
        Function<Double, Double> px = x -> left + (w - left - 20) * (x - fxmin) / fxs;
        Function<Double, Double> py = y -> (h - bottom) - (h - bottom - 30) * (y - fymin) / fys;
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\""
                + " width=\"%d\" height=\"%d\" role=\"img\"><title>%s</title>", w, h, esc(title)));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"13\">%s</text>", left, esc(title)));
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>", left,
                h - bottom, w - 10, h - bottom));
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"30\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>", left,
                left, h - bottom));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>", left, h - 8,
                esc(front.metric().label())));
        s.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\" font-size=\"11\">%s</text>", 26, esc(front.quality())));
        s.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\" font-size=\"10\">%s</text>", h - bottom,
                f(fymin, 3)));
        s.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"40\" font-size=\"10\">%s</text>", f(fymin + fys, 3)));
        boolean bytes = front.metric() == ParetoFront.Metric.SIZE;
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"10\">%s</text>", left,
                h - bottom + 13, bytes ? String.format(Locale.ROOT, "%,.0f", fxmin) : f(fxmin, 4)));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\">%s</text>",
                w - 20, h - bottom + 13, bytes ? String.format(Locale.ROOT, "%,.0f", fxmin + fxs) : f(fxmin + fxs, 4)));
        List<ParetoFront.Point> optimal = points.stream().filter(ParetoFront.Point::paretoOptimal).toList();
        StringBuilder line = new StringBuilder();
        for (ParetoFront.Point p : optimal) {
            line.append(String.format(Locale.ROOT, "%.1f,%.1f ", px.apply(p.x()), py.apply(p.quality())));
        }
        if (optimal.size() > 1) {
            s.append("<polyline fill=\"none\" stroke=\"#c33\" stroke-dasharray=\"4 3\" points=\"").append(line.toString()
                    .strip()).append("\"/>");
        }
        for (ParetoFront.Point p : points) {
            double x = px.apply(p.x());
            double y = py.apply(p.quality());
            s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\" stroke=\"#333\""
                    + " data-pareto=\"%s\"><title>%s %s: x %s, quality %s%s</title></circle>", x, y,
                    p.paretoOptimal() ? "#c33" : "#fff", p.paretoOptimal(), esc(p.model()), esc(p.variant()),
                    f(p.x(), 4), f(p.quality(), 4), p.paretoOptimal() ? " (Pareto-optimal)" : ""));
            boolean right = x > w * 0.6; // labels near the right edge go to the left of their point
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\"%s>%s</text>",
                    right ? x - 7 : x + 7, y - 6, right ? " text-anchor=\"end\"" : "", esc(p.variant())));
        }
        return s.append("</svg>\n").toString();
    }

    String json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("campaignId", campaignId);
        m.put("name", name);
        m.put("state", state);
        m.put("fleet", fleet);
        m.put("qualityAxis", rows.qualityKind());
        List<Object> vs = new ArrayList<>();
        java.util.Set<String> seen = new LinkedHashSet<>();
        for (ResultRecord r : rows.rows()) {
            if (seen.add(r.text(ResultField.MODEL_NAME) + "\n" + r.text(ResultField.VARIANT_RECIPE))) {
                Map<String, Object> v = new LinkedHashMap<>();
                for (ResultField f : List.of(ResultField.MODEL_NAME, ResultField.VARIANT_RECIPE,
                        ResultField.MODEL_SIZE_BYTES, ResultField.VARIANT_NOOP, ResultField.CALIBRATION,
                        ResultField.FIDELITY_COSINE, ResultField.EVALUATION, ResultField.EVALUATION_SAMPLES,
                        ResultField.ACCURACY_TOP1, ResultField.ACCURACY_TOP5, ResultField.EVAL_FIDELITY_COSINE,
                        ResultField.EVAL_FIDELITY_SQNR_DB, ResultField.EVAL_TOP1_AGREEMENT)) {
                    v.put(f.key(), r.get(f));
                }
                vs.add(v);
            }
        }
        m.put("variants", vs);
        m.put("results", rows.rows().stream().map(ResultRecord::toMap).toList());
        m.put("speedups", speedups.toJson().get("rows"));
        Map<String, Object> p = new LinkedHashMap<>();
        fronts.forEach((metric, front) -> p.put(metric.key(), front.toJson()));
        m.put("pareto", p);
        m.put("topLayers", TopLayers.json(rows));
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper()
                    .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw EdgeperfException.internal("cannot write the report as JSON", e);
        }
    }

    private String distinct(ResultField field) {
        TreeSet<String> values = new TreeSet<>();
        rows.rows().forEach(r -> values.add(r.get(field) == null ? "-" : String.valueOf(r.get(field))));
        return String.join(", ", values);
    }

    private static String pct(ResultRecord r, ResultField f) {
        return r.real(f).map(v -> String.format(Locale.ROOT, "%.2f%%", 100 * v)).orElse("-");
    }

    private static String num(ResultRecord r, ResultField field, int digits) {
        return r.real(field).map(v -> f(v, digits)).orElse("-");
    }

    private static String f(double v, int digits) {
        return String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    private static String dash(String s) {
        return s == null || s.isBlank() || s.equals("null") ? "-" : s;
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
