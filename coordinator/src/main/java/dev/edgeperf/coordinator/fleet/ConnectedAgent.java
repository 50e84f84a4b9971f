package dev.edgeperf.coordinator.fleet;

import java.util.Objects;

/**
 * An agent with a live stream.
 *
 * @param peakGflops           the agent's theoretical fp32 peak in GFLOP/s; 0 when it could not be derived
 * @param calibratedPeakGflops measured by {@code agent calibrate} (best of matmul and conv); 0 = not calibrated
 */
public record ConnectedAgent(String id, String name, AgentTraits traits, double peakGflops,
                             double calibratedPeakGflops, AgentLink link) {
    public ConnectedAgent {
        Objects.requireNonNull(id, "id is null");
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(traits, "traits is null");
        Objects.requireNonNull(link, "link is null");
    }
}
