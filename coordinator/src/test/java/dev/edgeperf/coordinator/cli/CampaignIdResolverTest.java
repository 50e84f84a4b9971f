package dev.edgeperf.coordinator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import dev.edgeperf.proto.CampaignStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CampaignIdResolverTest {
    private final List<CampaignStatus> campaigns = new ArrayList<>(List.of(
            campaign("3f2a0000-0000-0000-0000-000000000001", "old", 1_000),
            campaign("3f2b0000-0000-0000-0000-000000000002", "newest", 3_000),
            campaign("9c000000-0000-0000-0000-000000000003", "", 2_000)));
    private final CampaignIdResolver resolver = new CampaignIdResolver(() -> campaigns);

    private static CampaignStatus campaign(String id, String name, long created) {
        return CampaignStatus.newBuilder().setCampaignId(id).setName(name).setCreatedUnixMs(created).build();
    }

    @Test
    void latestIsTheNewestByCreationTime() {
        assertThat(resolver.resolve("latest")).isEqualTo("3f2b0000-0000-0000-0000-000000000002");
    }

    @Test
    void aUniquePrefixOrAFullIdGiveTheFullId() {
        assertThat(resolver.resolve("9c")).isEqualTo("9c000000-0000-0000-0000-000000000003");
        assertThat(resolver.resolve("3f2a")).isEqualTo("3f2a0000-0000-0000-0000-000000000001");
        assertThat(resolver.resolve("3f2b0000-0000-0000-0000-000000000002"))
                .isEqualTo("3f2b0000-0000-0000-0000-000000000002");
    }

    @Test
    void anAmbiguousPrefixListsTheCandidatesNewestFirst() {
        assertThatThrownBy(() -> resolver.resolve("3f2")).isInstanceOf(EdgeperfException.class)
                .hasMessage("campaign id prefix '3f2' is ambiguous: 2 campaigns match: "
                        + "3f2b0000-0000-0000-0000-000000000002 (newest), 3f2a0000-0000-0000-0000-000000000001 (old);"
                        + " type more of the id")
                .satisfies(e -> assertThat(((EdgeperfException) e).category()).isEqualTo(ErrorCategory.USER_ERROR));
    }

    @Test
    void noMatchAndNoCampaignsSaySo() {
        assertThatThrownBy(() -> resolver.resolve("ff")).hasMessage(
                "no campaign has the id or id prefix 'ff' (3 campaign(s) known; see campaign list)");
        campaigns.clear();
        assertThatThrownBy(() -> resolver.resolve("latest")).hasMessageStartingWith("no campaigns yet");
    }
}
