package dev.edgeperf.coordinator.fleet;

import dev.edgeperf.core.predict.DevicePeaks;
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
 * @param peaks                its theoretical and calibrated peaks, what predictions are made from
 * @param executionProvider    the execution provider its jobs run on, e.g. "CPU"
 */
public record ConnectedAgent(String id, String name, String host, AgentTraits traits, DevicePeaks peaks,
                             String executionProvider, AgentLink link) {
    public ConnectedAgent {
        Objects.requireNonNull(id, "id is null");
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(host, "host is null");
        Objects.requireNonNull(traits, "traits is null");
        Objects.requireNonNull(peaks, "peaks is null");
        Objects.requireNonNull(executionProvider, "executionProvider is null");
        Objects.requireNonNull(link, "link is null");
    }

    /** The agent's theoretical fp32 peak in GFLOP/s; 0 when it could not be derived. */
    public double peakGflops() {
        return peaks.theoreticalGflops();
    }

    /** Measured by {@code agent calibrate} (best of matmul and conv); 0 = not calibrated. */
    public double calibratedPeakGflops() {
        return peaks.calibratedGflops();
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
