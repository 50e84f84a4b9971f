package dev.edgeperf.coordinator.cli;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.proto.CampaignStatus;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Turns what a person typed for a campaign ({@code latest}, a unique prefix such as {@code 3f2a}, or a
 * full id) into the full id, using the coordinator's campaign list.
 */
final class CampaignIdResolver {
    static final String LATEST = "latest";
    /** Candidates named in an ambiguity error; more are counted. */
    static final int MAX_LISTED = 5;

    private final Supplier<List<CampaignStatus>> campaigns;

    /** @param campaigns the coordinator's campaigns (asked at most once per {@link #resolve}) */
    CampaignIdResolver(Supplier<List<CampaignStatus>> campaigns) {
        this.campaigns = Objects.requireNonNull(campaigns, "campaigns is null");
    }

    /** Over the coordinator's {@code ListCampaigns} call. */
    static CampaignIdResolver of(CoordinatorClient client) {
        return new CampaignIdResolver(() -> client.list().getCampaignsList());
    }

    /**
     * @throws EdgeperfException USER_ERROR (one line) when nothing matches, the prefix is ambiguous (the
     *                           candidates are listed) or {@code latest} is asked of a coordinator without campaigns
     */
    String resolve(String typed) {
        String wanted = Objects.requireNonNull(typed, "typed is null").strip();
        if (wanted.isEmpty()) {
            throw EdgeperfException.userError("campaign id is empty; pass an id, a unique prefix of one or 'latest'"
                    + " (see campaign list)");
        }
        List<CampaignStatus> all = campaigns.get();
        if (wanted.equalsIgnoreCase(LATEST)) {
            return all.stream().max(Comparator.comparingLong(CampaignStatus::getCreatedUnixMs))
                    .map(CampaignStatus::getCampaignId)
                    .orElseThrow(() -> EdgeperfException.userError("no campaigns yet, so there is no 'latest'"
                            + " (start one with campaign run)"));
        }
        if (all.stream().anyMatch(c -> c.getCampaignId().equals(wanted))) {
            return wanted;
        }
        List<CampaignStatus> matches = all.stream().filter(c -> c.getCampaignId().startsWith(wanted))
                .sorted(Comparator.comparingLong(CampaignStatus::getCreatedUnixMs).reversed()).toList();
        if (matches.size() == 1) {
            return matches.get(0).getCampaignId();
        }
        if (matches.isEmpty()) {
            throw EdgeperfException.userError("no campaign has the id or id prefix '" + wanted + "' ("
                    + all.size() + " campaign(s) known; see campaign list)");
        }
        String listed = matches.stream().limit(MAX_LISTED)
                .map(c -> c.getCampaignId() + (c.getName().isEmpty() ? "" : " (" + c.getName() + ")"))
                .collect(Collectors.joining(", "));
        int more = matches.size() - MAX_LISTED;
        throw EdgeperfException.userError("campaign id prefix '" + wanted + "' is ambiguous: " + matches.size()
                + " campaigns match: " + listed + (more > 0 ? " and " + more + " more" : "")
                + "; type more of the id");
    }
}
