package dev.edgeperf.agent.measure;

/** Hears about the timed loop, at most every 100 ms, from the measuring thread. */
@FunctionalInterface
public interface ProgressListener {
    /** @param elapsedMs time since the timed loop started, milliseconds */
    void onProgress(long iterations, long elapsedMs);

    ProgressListener NONE = (i, e) -> { };
}
