package dev.edgeperf.coordinator.cli;

import dev.edgeperf.proto.MeasurementSettings;
import picocli.CommandLine.Option;

/** How long agents measure each job; 0 = the agent's default. */
final class MeasurementOptions {
    @Option(names = "--warmup", paramLabel = "N", defaultValue = "0", description = "Warm-up iterations.")
    int warmup;

    @Option(names = "--min-iterations", paramLabel = "N", defaultValue = "0", description = "Timed iterations at least.")
    int minIterations;

    @Option(names = "--min-duration-ms", paramLabel = "MS", defaultValue = "0", description = "Timed milliseconds at least.")
    long minDurationMs;

    @Option(names = "--max-duration-ms", paramLabel = "MS", defaultValue = "0", description = "Timed milliseconds at most.")
    long maxDurationMs;

    MeasurementSettings toProto() {
        return MeasurementSettings.newBuilder().setWarmupIterations(warmup).setMinIterations(minIterations)
                .setMinDurationMs(minDurationMs).setMaxDurationMs(maxDurationMs).build();
    }
}
