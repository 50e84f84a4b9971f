package dev.edgeperf.coordinator.store;

import java.util.List;
import java.util.Objects;

/**
 * Counts and finished rows of one campaign.
 *
 * @param failed          failed jobs, cancelled ones included
 * @param cancelled       jobs failed by a cancel
 * @param cancelledUnixMs when the campaign was cancelled; 0 = not cancelled
 * @param rows            finished jobs ordered by agent name, model, batch
 * @param queuedSelectors distinct selectors of the jobs still queued, in queue order
 */
public record CampaignSummary(String id, String name, long createdUnixMs, int total, int queued, int leased,
                              int done, int failed, int cancelled, long cancelledUnixMs, List<JobOutcome> rows,
                              List<String> queuedSelectors) {
    public CampaignSummary {
        Objects.requireNonNull(id, "id is null");
        rows = List.copyOf(rows);
        queuedSelectors = List.copyOf(queuedSelectors);
    }

    /** "running" while any job is queued or leased; then "cancelled", "failed" if any job failed, else "done". */
    public String state() {
        if (queued + leased > 0) {
            return "running";
        }
        if (cancelledUnixMs > 0) {
            return "cancelled";
        }
        return failed > 0 ? "failed" : "done";
    }
}
