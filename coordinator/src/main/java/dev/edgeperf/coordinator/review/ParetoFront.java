package dev.edgeperf.coordinator.review;

import dev.edgeperf.coordinator.store.ResultField;
import dev.edgeperf.coordinator.store.ResultRecord;
import dev.edgeperf.core.EdgeperfException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Quality vs cost per device and batch, the Pareto-optimal variants marked. Quality is top-1 accuracy on the
 * evaluation data, or fidelity (cosine to the baseline) when the campaign has no labels; cost is the median
 * (p50) or p99 compute latency per batch in ms, or the ONNX file's size in bytes. A point is Pareto-optimal
 * when no other point of the same device and batch is at least as cheap and at least as good, and strictly
 * better in one of the two. Of a variant measured with several thread or concurrency settings, the setting
 * with the lowest median is the point.
 *
 * @param campaignId the campaign
 * @param metric     the cost axis
 * @param quality    {@code top1} or {@code fidelity_cosine}
 * @param devices    one entry per device, in agent-name order
 */
public record ParetoFront(String campaignId, Metric metric, String quality, List<Device> devices) {
    /** The cost axis. */
    public enum Metric {
        P50, P99, SIZE;

        /** @throws EdgeperfException USER_ERROR for another name */
        public static Metric parse(String text) {
            for (Metric m : values()) {
                if (m.key().equals(text == null ? "" : text.strip().toLowerCase(Locale.ROOT))) {
                    return m;
                }
            }
            throw EdgeperfException.userError("metric '" + text + "' is not known; expected p50, p99 or size");
        }

        /** As in the API and the CLI: {@code p50}, {@code p99}, {@code size}. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Axis label with its unit. */
        public String label() {
            return this == SIZE ? "ONNX file size, bytes" : key() + " compute latency per batch, ms";
        }

        Optional<Double> of(ResultRecord r) {
            return switch (this) {
                case P50 -> r.real(ResultField.P50_MS);
                case P99 -> r.real(ResultField.P99_MS);
                case SIZE -> Optional.of((double) r.integer(ResultField.MODEL_SIZE_BYTES));
            };
        }
    }

    /**
     * @param x       cost: ms per batch, or bytes
     * @param quality 0..1 on the front's quality axis
     */
    public record Point(String model, String variant, int batch, int threads, double x, double quality,
                        boolean paretoOptimal, double p50Ms, Double p50CiLowMs, Double p50CiHighMs) {
    }

    public record Device(String device, String board, List<Point> points) {
        public Device {
            points = List.copyOf(points);
        }
    }

    public ParetoFront {
        devices = List.copyOf(devices);
    }

    /**
     * @param device only this device (see {@link CampaignRows#matches}), or null for every device
     * @param batch  only this batch, or null for every batch (each batch its own front)
     * @throws EdgeperfException USER_ERROR when nothing was measured on the device or at the batch
     */
    public static ParetoFront of(CampaignRows rows, Metric metric, String device, Integer batch) {
        String quality = rows.qualityKind();
        List<ResultRecord> measured = CampaignRows.bestSetting(rows.require(device, batch));
        Map<String, List<ResultRecord>> byDevice = new java.util.TreeMap<>();
        for (ResultRecord r : measured) {
            byDevice.computeIfAbsent(r.text(ResultField.AGENT_NAME), k -> new ArrayList<>()).add(r);
        }
        List<Device> devices = new ArrayList<>();
        byDevice.forEach((agent, list) -> {
            Map<Long, List<Point>> byBatch = new LinkedHashMap<>();
            String board = null;
            for (ResultRecord r : list) {
                board = board != null ? board : r.get(ResultField.BOARD) == null ? null : r.text(ResultField.BOARD);
                Optional<Double> x = metric.of(r);
                Optional<Double> q = CampaignRows.quality(r, quality);
                if (x.isEmpty() || q.isEmpty()) {
                    continue;
                }
                byBatch.computeIfAbsent(r.integer(ResultField.BATCH_SIZE), b -> new ArrayList<>()).add(new Point(
                        r.text(ResultField.MODEL_NAME), r.text(ResultField.VARIANT_RECIPE),
                        (int) r.integer(ResultField.BATCH_SIZE), (int) r.integer(ResultField.THREADS), x.get(), q.get(),
                        false, r.real(ResultField.P50_MS).get(), r.real(ResultField.P50_CI95_LOW_MS).orElse(null),
                        r.real(ResultField.P50_CI95_HIGH_MS).orElse(null)));
            }
            List<Point> points = new ArrayList<>();
            new java.util.TreeMap<>(byBatch).values().forEach(group -> points.addAll(mark(group)));
            devices.add(new Device(agent, board, points));
        });
        return new ParetoFront(rows.campaignId(), metric, quality, devices);
    }

    /** The points of one device and batch, each marked, cheapest first. */
    static List<Point> mark(List<Point> group) {
        List<Point> out = new ArrayList<>();
        for (Point p : group) {
            boolean dominated = group.stream().anyMatch(o -> o != p && o.x() <= p.x() && o.quality() >= p.quality()
                    && (o.x() < p.x() || o.quality() > p.quality()));
            out.add(new Point(p.model(), p.variant(), p.batch(), p.threads(), p.x(), p.quality(), !dominated, p.p50Ms(),
                    p.p50CiLowMs(), p.p50CiHighMs()));
        }
        out.sort(Comparator.comparingDouble(Point::x).thenComparing(Point::variant));
        return out;
    }

    /** The API's JSON form (see the README): campaignId, metric, quality, devices[device, board, points[...]]. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("campaignId", campaignId);
        m.put("metric", metric.key());
        m.put("quality", quality);
        List<Object> ds = new ArrayList<>();
        for (Device d : devices) {
            Map<String, Object> dm = new LinkedHashMap<>();
            dm.put("device", d.device());
            dm.put("board", d.board());
            List<Object> ps = new ArrayList<>();
            for (Point p : d.points()) {
                Map<String, Object> pm = new LinkedHashMap<>();
                pm.put("model", p.model());
                pm.put("variant", p.variant());
                pm.put("batch", p.batch());
                pm.put("x", p.x());
                pm.put("quality", p.quality());
                pm.put("paretoOptimal", p.paretoOptimal());
                ps.add(pm);
            }
            dm.put("points", ps);
            ds.add(dm);
        }
        m.put("devices", ds);
        return m;
    }
}
