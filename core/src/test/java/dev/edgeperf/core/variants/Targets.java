package dev.edgeperf.core.variants;

import java.util.ArrayList;
import java.util.List;

/**
 * The latency/size targets of issue 4 checked against {@link VariantBenchmark} rows, one line each,
 * "met" or "MISSED" with the figures that decided it.
 */
final class Targets {
    static final double INT8_STATIC_MAX_LATENCY = 0.6;
    static final int INT8_STATIC_BATCH = 8;
    static final double INT8_STATIC_MIN_TOP1 = 0.99;
    static final double STRUCTURED_MAX_LATENCY = 0.65;
    static final double SEPARABLE_TOLERANCE = 0.25;
    static final double CLUSTERED_MAX_GZIP = 0.3;

    private Targets() {
    }

    static List<String> check(String model, List<Integer> batches, List<VariantBenchmark.Row> rows) {
        VariantBenchmark.Row base = rows.get(0);
        List<String> out = new ArrayList<>();
        for (VariantBenchmark.Row r : rows) {
            switch (r.recipe()) {
                case "quantized:int8-static" -> {
                    if (!model.startsWith("mnist")) {
                        break;
                    }
                    int i = batches.indexOf(INT8_STATIC_BATCH);
                    if (i < 0) {
                        out.add(model + " int8-static: batch " + INT8_STATIC_BATCH + " not measured");
                        break;
                    }
                    double lat = r.latency().get(i).ratio();
                    double top1 = r.fidelity().top1Agreement();
                    boolean met = lat <= INT8_STATIC_MAX_LATENCY && top1 >= INT8_STATIC_MIN_TOP1;
                    out.add(String.format("%s %s int8-static <= %.2fx latency at batch %d with top-1 >= %.0f%%: "
                            + "%.3fx, top-1 %.2f%%, int8 kernels %s", verdict(met), model, INT8_STATIC_MAX_LATENCY,
                            INT8_STATIC_BATCH, INT8_STATIC_MIN_TOP1 * 100, lat, top1 * 100, r.int8() ? "yes" : "NO"));
                }
                case "pruned:structured:0.5" -> {
                    for (int i = 0; i < batches.size(); i++) {
                        double lat = r.latency().get(i).ratio();
                        out.add(String.format("%s %s structured 50%% <= %.2fx latency at batch %d: %.3fx "
                                + "(MACs %s)", verdict(lat <= STRUCTURED_MAX_LATENCY), model, STRUCTURED_MAX_LATENCY,
                                batches.get(i), lat, macs(r, base)));
                    }
                }
                case "separable" -> {
                    for (int i = 0; i < batches.size(); i++) {
                        double lat = r.latency().get(i).ratio();
                        Double m = r.macsDense() == null || base.macsDense() == null ? null
                                : (double) r.macsDense() / base.macsDense();
                        boolean met = m != null && Math.abs(lat / m - 1) <= SEPARABLE_TOLERANCE;
                        out.add(String.format("%s %s separable latency within %.0f%% of MACs ratio at batch %d: "
                                + "%.3fx vs MACs %s", verdict(met), model, SEPARABLE_TOLERANCE * 100,
                                batches.get(i), lat, macs(r, base)));
                    }
                }
                case "clustered:16" -> {
                    double gz = (double) r.gzipBytes() / base.gzipBytes();
                    out.add(String.format("%s %s clustered:16 gzip size <= %.2fx: %.3fx", verdict(gz <= CLUSTERED_MAX_GZIP),
                            model, CLUSTERED_MAX_GZIP, gz));
                }
                default -> {
                    // the issue sets no target for the other recipes
                }
            }
        }
        return out;
    }

    private static String macs(VariantBenchmark.Row r, VariantBenchmark.Row base) {
        return r.macsDense() == null || base.macsDense() == null ? "n/a"
                : String.format("%.3fx", (double) r.macsDense() / base.macsDense());
    }

    private static String verdict(boolean met) {
        return met ? "met   " : "MISSED";
    }
}
