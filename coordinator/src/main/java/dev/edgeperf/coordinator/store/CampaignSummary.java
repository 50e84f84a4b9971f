package dev.edgeperf.coordinator.store;

import java.util.List;
import java.util.Objects;

/**
 * Counts and ended rows of one campaign.
 *
 * @param failed          failed jobs (cancelled ones are counted apart)
 * @param cancelled       jobs cancelled before they ended
 * @param cancelledUnixMs when the campaign was cancelled; 0 = not cancelled
 * @param rows            ended jobs (done, failed, cancelled) ordered by agent name, model, batch
 * @param queuedSelectors distinct selectors of the jobs still queued, in queue order
 * @param preparation     how far its variants are prepared ({@link Preparation#NONE} for campaigns
 *                        whose jobs were inserted at once)
 */
public record CampaignSummary(String id, String name, long createdUnixMs, int queued, int leased, int done,
                              int failed, int cancelled, long cancelledUnixMs, List<ResultRecord> rows,
                              List<String> queuedSelectors, Preparation preparation) {
    public CampaignSummary {
        Objects.requireNonNull(id, "id is null");
        Objects.requireNonNull(preparation, "preparation is null");
        rows = List.copyOf(rows);
        queuedSelectors = List.copyOf(queuedSelectors);
    }

    public int total() {
        return queued + leased + done + failed + cancelled;
    }

    public CampaignState state() {
        return CampaignState.of(preparation.preparing(), preparation.failed(), queued + leased, failed,
                cancelledUnixMs > 0);
    }

    CampaignSummary withRows(List<ResultRecord> newRows) {
        return new CampaignSummary(id, name, createdUnixMs, queued, leased, done, failed, cancelled, cancelledUnixMs,
                newRows, queuedSelectors, preparation);
    }

    CampaignSummary withQueuedSelectors(List<String> selectors) {
        return new CampaignSummary(id, name, createdUnixMs, queued, leased, done, failed, cancelled, cancelledUnixMs,
                rows, selectors, preparation);
    }
}
