package dev.edgeperf.coordinator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import dev.edgeperf.proto.CampaignState;
import dev.edgeperf.proto.CampaignStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code campaign run} prints while a campaign's variants are prepared, then while it runs. */
class CampaignWatcherTest {
    private static CampaignStatus preparing(int done, int total, String message) {
        return CampaignStatus.newBuilder().setCampaignId("c1").setState(CampaignState.CAMPAIGN_STATE_PREPARING).setVariantsPrepared(done)
                .setVariantsTotal(total).setPreparationMessage(message).build();
    }

    private static CampaignStatus jobs(CampaignState state, int done, int total) {
        return CampaignStatus.newBuilder().setCampaignId("c1").setState(state).setVariantsPrepared(2)
                .setVariantsTotal(2).setJobsTotal(total).setJobsDone(done).build();
    }

    @Test
    void preparationProgressIsShownThenTheJobsUntilTheCampaignEnds() throws Exception {
        Iterator<CampaignStatus> next = List.of(preparing(1, 2, "building mnist-cnn separable"), jobs(CampaignState.CAMPAIGN_STATE_RUNNING, 0, 2),
                jobs(CampaignState.CAMPAIGN_STATE_DONE, 2, 2)).iterator();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        CampaignStatus end = CampaignWatcher.await(next::next, preparing(0, 2, "building mnist-cnn baseline"),
                Duration.ofMinutes(1), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(end.getState()).isEqualTo(CampaignState.CAMPAIGN_STATE_DONE);
        assertThat(err.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "preparing variants 0/2: building mnist-cnn baseline",
                "preparing variants 1/2: building mnist-cnn separable",
                "campaign c1: 0/2 done, 0 running, 0 failed",
                "campaign c1: 2/2 done, 0 running, 0 failed");
    }

    @Test
    void eachNoopVariantGetsALineOnceTheVariantsArePrepared() throws Exception {
        CampaignStatus running = jobs(CampaignState.CAMPAIGN_STATE_RUNNING, 0, 2).toBuilder().setPreparationMessage(
                "variants ready; 2 job(s) queued; no-op: keras-mlp pruned:structured:0.5 (no Conv to prune)").build();
        Iterator<CampaignStatus> next = List.of(running, jobs(CampaignState.CAMPAIGN_STATE_DONE, 2, 2).toBuilder()
                .setPreparationMessage(running.getPreparationMessage()).build()).iterator();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        CampaignWatcher.await(next::next, preparing(0, 2, "building keras-mlp baseline"), Duration.ofMinutes(1),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(err.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "preparing variants 0/2: building keras-mlp baseline",
                "no-op: keras-mlp pruned:structured:0.5 (no Conv to prune)",
                "campaign c1: 0/2 done, 0 running, 0 failed",
                "campaign c1: 2/2 done, 0 running, 0 failed");
    }

    @Test
    void aFailedPreparationIsAOneLineUserError() {
        CampaignStatus failed = CampaignStatus.newBuilder().setCampaignId("c1").setState(CampaignState.CAMPAIGN_STATE_FAILED)
                .setVariantsPrepared(1).setVariantsTotal(2)
                .setPreparationFailure("variant 'separable' cannot be built from model mnist-cnn: no conv").build();
        Iterator<CampaignStatus> next = List.of(failed).iterator();

        assertThatThrownBy(() -> CampaignWatcher.await(next::next, preparing(0, 2, ""), Duration.ofMinutes(1),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
                .isInstanceOf(EdgeperfException.class)
                .hasMessage("campaign c1 failed: variant 'separable' cannot be built from model mnist-cnn: no conv")
                .satisfies(e -> assertThat(((EdgeperfException) e).category()).isEqualTo(ErrorCategory.USER_ERROR));
    }
}
