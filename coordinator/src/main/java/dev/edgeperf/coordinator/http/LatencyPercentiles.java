package dev.edgeperf.coordinator.http;

import dev.edgeperf.coordinator.store.StoredHistogram;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.stats.LatencyHistograms;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Any percentile of a stored result, read back from the HdrHistogram the agent sent with it: what
 * {@code GET /api/results/{jobId}/percentiles} answers. Values are compute latencies per batch in
 * milliseconds, as HdrHistogram's {@link Histogram#getValueAtPercentile(double)} reads them from
 * the recorded nanoseconds (nearest rank, 3 significant digits), the same way the agent computed
 * the p50/p99/p99.9 stored with the result.
 *
 * @param attempt     the attempt whose result holds the histogram
 * @param latency     what the latencies include: "compute" ({@code session.run} only)
 * @param count       latencies recorded
 * @param maxMs       the largest latency recorded
 * @param percentiles one per requested percentile, in the order asked
 */
public record LatencyPercentiles(String jobId, int attempt, String latency, long count, double maxMs,
                                 List<Value> percentiles) {
    /** Percentiles answered when the request names none. */
    public static final List<Double> DEFAULT = List.of(50.0, 90.0, 99.0, 99.9, 99.99);
    /** Most percentiles one request may ask for. */
    static final int MAX_REQUESTED = 32;
    private static final double NANOS_PER_MS = TimeUnit.MILLISECONDS.toNanos(1);

    /** @param ms the latency at percentile {@code p} (0 < p <= 100), milliseconds */
    public record Value(double p, double ms) {
    }

    public LatencyPercentiles {
        Objects.requireNonNull(jobId, "jobId is null");
        Objects.requireNonNull(latency, "latency is null");
        percentiles = List.copyOf(percentiles);
    }

    /**
     * Parses a comma-separated list such as {@code 50,99,99.9,99.99}.
     *
     * @param text null or blank = {@link #DEFAULT}
     * @throws EdgeperfException USER_ERROR naming the value that is not a number in (0, 100]
     */
    static List<Double> parse(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT;
        }
        List<Double> ps = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            double p;
            try {
                p = Double.parseDouble(part.strip());
            } catch (NumberFormatException e) {
                p = Double.NaN;
            }
            if (!(p > 0 && p <= 100)) {
                throw EdgeperfException.userError("query parameter p: '" + part.strip() + "' is not a percentile;"
                        + " expected comma-separated numbers in (0, 100], e.g. p=50,99,99.9");
            }
            ps.add(p);
        }
        if (ps.size() > MAX_REQUESTED) {
            throw EdgeperfException.userError("query parameter p asks for " + ps.size() + " percentiles; at most "
                    + MAX_REQUESTED + " per request");
        }
        return ps;
    }

    /**
     * Decodes the stored histogram and reads the percentiles.
     *
     * @return empty when the histogram holds no latencies
     * @throws IllegalArgumentException when the stored bytes are not a compressed HdrHistogram
     */
    static Optional<LatencyPercentiles> of(StoredHistogram stored, List<Double> ps) {
        Histogram h = LatencyHistograms.decode(stored.compressed());
        if (h.getTotalCount() == 0) {
            return Optional.empty();
        }
        List<Value> values = new ArrayList<>(ps.size());
        for (double p : ps) {
            values.add(new Value(p, h.getValueAtPercentile(p) / NANOS_PER_MS));
        }
        return Optional.of(new LatencyPercentiles(stored.jobId(), stored.attempt(), "compute", h.getTotalCount(),
                h.getMaxValue() / NANOS_PER_MS, values));
    }
}
