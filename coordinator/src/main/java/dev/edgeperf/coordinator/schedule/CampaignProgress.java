package dev.edgeperf.coordinator.schedule;

import dev.edgeperf.coordinator.store.CampaignSummary;
import dev.edgeperf.coordinator.store.PreparationQueries.Preparation;
import java.util.Objects;

/**
 * A campaign as status shows it: its jobs, its preparation, and why queued jobs wait.
 *
 * @param waitingReason e.g. "waiting: selector board=rpi5 matches no connected agent"; "" = none
 */
public record CampaignProgress(CampaignSummary summary, Preparation preparation, String waitingReason) {
    public CampaignProgress {
        Objects.requireNonNull(summary, "summary is null");
        Objects.requireNonNull(preparation, "preparation is null");
        Objects.requireNonNull(waitingReason, "waitingReason is null");
    }

    /**
     * "failed" when a variant could not be prepared (unless cancelled first), "preparing" while
     * variants are being prepared, else what the jobs say ({@link CampaignSummary#state()}).
     */
    public String state() {
        if (summary.cancelledUnixMs() > 0 && summary.queued() + summary.leased() == 0) {
            return "cancelled";
        }
        if (preparation.failed()) {
            return "failed";
        }
        return preparation.preparing() ? "preparing" : summary.state();
    }
}
