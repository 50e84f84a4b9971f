package dev.edgeperf.coordinator.schedule;

import dev.edgeperf.coordinator.fleet.AgentTraits;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The fleet as a campaign is planned against it.
 *
 * @param connected agents connected at submit time, ordered by name (what {@code all} expands to)
 * @param labelKeys every label key any known agent, connected or not, carries (what selectors may use
 *                  besides the built-in keys)
 */
public record FleetSnapshot(List<Agent> connected, Set<String> labelKeys) {
    /** One connected agent. */
    public record Agent(String id, String name, AgentTraits traits) {
        public Agent {
            Objects.requireNonNull(id, "id is null");
            Objects.requireNonNull(name, "name is null");
            Objects.requireNonNull(traits, "traits is null");
        }
    }

    public FleetSnapshot {
        connected = List.copyOf(connected);
        labelKeys = Set.copyOf(labelKeys);
    }
}
