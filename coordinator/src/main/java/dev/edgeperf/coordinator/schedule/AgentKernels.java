package dev.edgeperf.coordinator.schedule;

import dev.edgeperf.core.predict.kernel.FittedKernels;
import dev.edgeperf.core.predict.kernel.KernelCalibrationProto;
import dev.edgeperf.proto.AgentHello;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each agent's kernel regressors, fitted from the kernel samples of its hello when it connects, so a
 * lease only looks them up; an agent reconnecting with the same samples keeps its fit.
 */
final class AgentKernels {
    private static final Fit NEVER_CONNECTED = new Fit(null, Optional.empty(), "the agent sent no device profile");

    private final Map<String, Fit> byAgent = new ConcurrentHashMap<>();

    /**
     * The agent's fitted regressors, or why it has none.
     *
     * @param samples what they were fitted on (null when the hello had none)
     * @param why     "" when {@code fitted} is present
     */
    record Fit(dev.edgeperf.proto.KernelCalibration samples, Optional<FittedKernels> fitted, String why) {
        Fit {
            Objects.requireNonNull(fitted, "fitted is null");
            Objects.requireNonNull(why, "why is null");
        }
    }

    /** Fits the kernel samples of {@code hello} unless this agent already has a fit of the same samples. */
    void connected(String agentId, AgentHello hello) {
        byAgent.compute(agentId, (id, old) -> {
            if (!hello.hasCalibration() || !hello.getCalibration().hasKernels()) {
                return new Fit(null, Optional.empty(), "the agent's device profile has no kernel samples (run"
                        + " `scripts/agent calibrate` on it)");
            }
            dev.edgeperf.proto.KernelCalibration samples = hello.getCalibration().getKernels();
            if (old != null && samples.equals(old.samples())) {
                return old;
            }
            try {
                return new Fit(samples, Optional.of(FittedKernels.fit(KernelCalibrationProto.fromProto(samples))), "");
            } catch (RuntimeException e) {
                // a profile no calibration of this build writes: the agent still measures, unpredicted
                return new Fit(samples, Optional.empty(), "the agent's kernel samples are unusable: " + e.getMessage());
            }
        });
    }

    Fit of(String agentId) {
        return byAgent.getOrDefault(agentId, NEVER_CONNECTED);
    }
}
