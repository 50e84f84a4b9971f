package dev.edgeperf.coordinator.store;

import java.util.Objects;

/**
 * The latency histogram stored with the result that completed a job.
 *
 * @param compressed HdrHistogram compressed encoding of the compute latencies per batch, in
 *                   nanoseconds; empty (length 0) when the agent sent none
 */
public record StoredHistogram(String jobId, int attempt, byte[] compressed) {
    public StoredHistogram {
        Objects.requireNonNull(jobId, "jobId is null");
        compressed = compressed == null ? new byte[0] : compressed.clone();
    }

    @Override
    public byte[] compressed() {
        return compressed.clone();
    }
}
