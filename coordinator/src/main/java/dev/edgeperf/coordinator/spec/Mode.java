package dev.edgeperf.coordinator.spec;

import dev.edgeperf.core.EdgeperfException;

/**
 * How a job drives the model: {@code latency} (one request at a time) or {@code throughput:C}
 * (C concurrent requests).
 *
 * @param concurrency 0 for latency mode, else the number of in-flight requests
 */
public record Mode(int concurrency) {
    public static final Mode LATENCY = new Mode(0);
    static final String EXPECTED = "expected latency or throughput:C with C a positive integer (e.g. throughput:4)";

    public Mode {
        if (concurrency < 0) {
            throw new IllegalArgumentException("concurrency must be >= 0, got " + concurrency);
        }
    }

    /** @throws EdgeperfException USER_ERROR naming the text */
    public static Mode parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.equals("latency")) {
            return LATENCY;
        }
        if (t.startsWith("throughput:")) {
            try {
                int c = Integer.parseInt(t.substring("throughput:".length()));
                if (c >= 1 && c <= 1024) {
                    return new Mode(c);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw EdgeperfException.userError("unknown mode '" + text + "': " + EXPECTED);
    }

    @Override
    public String toString() {
        return concurrency == 0 ? "latency" : "throughput:" + concurrency;
    }
}
