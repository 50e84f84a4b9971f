package dev.edgeperf.coordinator.schedule;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;

/** A campaign id this coordinator does not know (gRPC NOT_FOUND). */
public final class UnknownCampaignException extends EdgeperfException {
    public UnknownCampaignException(String campaignId) {
        super(ErrorCategory.USER_ERROR, "unknown campaign '" + campaignId + "'");
    }
}
