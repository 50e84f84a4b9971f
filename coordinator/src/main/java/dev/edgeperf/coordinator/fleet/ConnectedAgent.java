package dev.edgeperf.coordinator.fleet;

import dev.edgeperf.proto.AgentHello;
import dev.edgeperf.proto.Hardware;
import java.util.Locale;
import java.util.Objects;

/**
 * An agent with a live stream.
 *
 * @param host                 the physical machine it measures on ({@link #hostOf(AgentHello)}); agents
 *                             sharing it do not measure at the same time unless the coordinator runs
 *                             with {@code --share-hosts}
 * @param peakGflops           the agent's theoretical fp32 peak in GFLOP/s; 0 when it could not be derived
 * @param calibratedPeakGflops measured by {@code agent calibrate} (best of matmul and conv); 0 = not calibrated
 */
public record ConnectedAgent(String id, String name, String host, AgentTraits traits, double peakGflops,
                             double calibratedPeakGflops, AgentLink link) {
    public ConnectedAgent {
        Objects.requireNonNull(id, "id is null");
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(host, "host is null");
        Objects.requireNonNull(traits, "traits is null");
        Objects.requireNonNull(link, "link is null");
    }

    /**
     * The host key of an agent: its reported hostname (lower case) and hardware fingerprint, the
     * machine identity the hello carries. Two agent processes on one board report both alike; boards
     * that share a hostname but differ in hardware stay apart. Identical boards left with one default
     * hostname (e.g. "raspberrypi") look like one host: give them distinct hostnames or run with
     * {@code --share-hosts}. An agent that reports no hostname is a host of its own ("agent:" + name).
     */
    public static String hostOf(AgentHello hello) {
        Hardware hw = hello.getHardware();
        String hostname = hw.getHostname().strip().toLowerCase(Locale.ROOT);
        if (hostname.isEmpty()) {
            return "agent:" + hello.getName().strip();
        }
        return hw.getFingerprint().isBlank() ? hostname : hostname + "/" + hw.getFingerprint().strip();
    }
}
