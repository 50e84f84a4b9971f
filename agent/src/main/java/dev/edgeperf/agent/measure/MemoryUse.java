package dev.edgeperf.agent.measure;

/**
 * Memory a measurement took, bytes; 0 = unknown.
 *
 * @param sessionFootprintBytes resident set growth across session creation (model weights, arena)
 * @param peakRssBytes          the measuring process's peak resident set (VmHWM); known only for a
 *                              forked worker, where it is the job's own
 */
public record MemoryUse(long sessionFootprintBytes, long peakRssBytes) {
    public MemoryUse {
        if (sessionFootprintBytes < 0 || peakRssBytes < 0) {
            throw new IllegalArgumentException("memory figures must be >= 0, got " + sessionFootprintBytes + ", "
                    + peakRssBytes);
        }
    }

    public static MemoryUse unknown() {
        return new MemoryUse(0, 0);
    }

    /** The same with {@code peakRssBytes} set. */
    public MemoryUse withPeakRss(long peak) {
        return new MemoryUse(sessionFootprintBytes, Math.max(0, peak));
    }
}
