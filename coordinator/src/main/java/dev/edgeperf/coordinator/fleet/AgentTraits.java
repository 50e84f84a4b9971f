package dev.edgeperf.coordinator.fleet;

import dev.edgeperf.proto.AgentHello;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What device selectors match against.
 *
 * @param board        e.g. "raspberry-pi-5", "generic-x86_64"
 * @param arch         normalized, e.g. "aarch64"
 * @param isaFeatures  lower case, e.g. ["avx2", "fma"]
 * @param labels       the agent's {@code --labels}
 */
public record AgentTraits(String name, String board, String arch, List<String> isaFeatures,
                          Map<String, String> labels) {
    public AgentTraits {
        Objects.requireNonNull(name, "name is null");
        board = board == null ? "" : board;
        arch = arch == null ? "" : arch;
        isaFeatures = List.copyOf(isaFeatures);
        labels = Map.copyOf(labels);
    }

    public static AgentTraits of(AgentHello hello) {
        return new AgentTraits(hello.getName(), hello.getHardware().getBoard(), hello.getHardware().getArch(),
                hello.getHardware().getIsaFeaturesList(), hello.getLabelsMap());
    }
}
