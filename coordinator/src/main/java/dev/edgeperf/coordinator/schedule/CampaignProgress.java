package dev.edgeperf.coordinator.schedule;

import dev.edgeperf.coordinator.store.CampaignState;
import dev.edgeperf.coordinator.store.CampaignSummary;
import dev.edgeperf.coordinator.store.Preparation;
import java.util.Objects;

/**
 * A campaign as status shows it: its jobs and preparation (the summary), and why queued jobs wait.
 *
 * @param waitingReason e.g. "waiting: selector board=rpi5 matches no connected agent"; "" = none
 */
public record CampaignProgress(CampaignSummary summary, String waitingReason) {
    public CampaignProgress {
        Objects.requireNonNull(summary, "summary is null");
        Objects.requireNonNull(waitingReason, "waitingReason is null");
    }

    public CampaignState state() {
        return summary.state();
    }

    public Preparation preparation() {
        return summary.preparation();
    }
}
