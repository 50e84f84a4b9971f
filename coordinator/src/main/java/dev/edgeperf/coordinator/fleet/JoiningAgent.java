package dev.edgeperf.coordinator.fleet;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.predict.DevicePeaks;
import dev.edgeperf.proto.AgentHello;
import dev.edgeperf.proto.Calibration;
import java.util.Objects;

/**
 * An agent's hello as the scheduler uses it.
 *
 * @param name              stripped, 1 to 200 characters
 * @param host              see {@link ConnectedAgent#hostOf(AgentHello)}
 * @param executionProvider the first execution provider the agent offers ("CPU" when it names none)
 * @param hello             the hello as sent (name stripped), for {@code Store.registerAgent}, which
 *                          records every field of it
 */
public record JoiningAgent(String name, String host, AgentTraits traits, DevicePeaks peaks, String executionProvider,
                           AgentHello hello) {
    public JoiningAgent {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(host, "host is null");
        Objects.requireNonNull(traits, "traits is null");
        Objects.requireNonNull(peaks, "peaks is null");
        Objects.requireNonNull(executionProvider, "executionProvider is null");
        Objects.requireNonNull(hello, "hello is null");
    }

    /** @throws EdgeperfException USER_ERROR for a hello without a usable name */
    public static JoiningAgent of(AgentHello hello) {
        String name = hello.getName().strip();
        if (name.isEmpty() || name.length() > 200) {
            throw EdgeperfException.userError("agent hello must carry a name of 1 to 200 characters, got '"
                    + hello.getName() + "'");
        }
        AgentHello normalized = hello.toBuilder().setName(name).build();
        Calibration c = hello.getCalibration();
        boolean calibrated = hello.hasCalibration();
        DevicePeaks peaks = new DevicePeaks(Math.max(0, hello.getHardware().getPeakGflopsFp32()),
                calibrated ? Math.max(0, c.getMatmulGflops()) : 0, calibrated ? Math.max(0, c.getConvGflops()) : 0,
                calibrated ? Math.max(0, c.getMemoryGbPerS()) : 0, calibrated ? Math.max(0, c.getCallOverheadUs()) : 0,
                calibrated ? Math.max(0, c.getNodeOverheadUs()) : 0, calibrated ? Math.max(0, c.getThreads()) : 0);
        String provider = hello.getExecutionProvidersCount() == 0 ? "CPU" : hello.getExecutionProviders(0);
        return new JoiningAgent(name, ConnectedAgent.hostOf(normalized), AgentTraits.of(normalized), peaks, provider,
                normalized);
    }
}
