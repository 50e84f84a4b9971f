package dev.edgeperf.coordinator.store;

import java.util.List;
import java.util.Optional;

/** What readers of the store (the HTTP API, the dashboard, reports) see; thread-safe. */
public interface StoreReader {
    /** Every agent the store knows, connected or not, ordered by name. */
    List<AgentRecord> agents();

    /** Every campaign, newest first, without rows. */
    List<CampaignSummary> campaigns();

    /** Ended jobs' rows, newest campaign first; {@code campaignId} empty = all campaigns. */
    List<ResultRecord> results(Optional<String> campaignId);

    /**
     * Done rows, every campaign, whose result came from the agent named {@code agentName}: what the
     * learned-from-campaigns predictor is fitted on. Empty for an unknown agent.
     */
    List<ResultRecord> deviceResults(String agentName);

    /** Whether the store's last transaction succeeded. */
    StoreHealth health();

    /** @return empty when the job is unknown or has no stored result */
    Optional<StoredHistogram> latencyHistogram(String jobId);

    /** The per-node times stored with the job's latest result; empty when the job is unknown or has no result. */
    Optional<StoredLayers> layers(String jobId);

    /** Measured per-layer time and FLOPs per op type over the campaign's done jobs; empty when none has layers. */
    List<OpTypeShare> opTypeShares(String campaignId);
}
