package dev.edgeperf.coordinator.store;

import java.util.List;
import java.util.Objects;

/**
 * Counts and finished rows of one campaign.
 *
 * @param rows               finished jobs ordered by agent name, model, batch
 * @param disconnectedTargets names of agents that queued jobs wait for and that are not connected
 */
public record CampaignSummary(String id, String name, long createdUnixMs, int total, int queued, int leased,
                              int done, int failed, List<JobOutcome> rows, List<String> disconnectedTargets) {
    public CampaignSummary {
        Objects.requireNonNull(id, "id is null");
        rows = List.copyOf(rows);
        disconnectedTargets = List.copyOf(disconnectedTargets);
    }

    /** "running" while any job is queued or leased; then "failed" if any job failed, else "done". */
    public String state() {
        if (queued + leased > 0) {
            return "running";
        }
        return failed > 0 ? "failed" : "done";
    }
}
