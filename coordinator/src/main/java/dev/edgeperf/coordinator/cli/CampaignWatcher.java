package dev.edgeperf.coordinator.cli;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import dev.edgeperf.proto.CampaignState;
import dev.edgeperf.proto.CampaignStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.util.function.Supplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * Polls a campaign until it is no longer preparing or running, showing progress on stderr: a
 * progress bar on a terminal, one line per change otherwise (so logs stay readable).
 */
final class CampaignWatcher {
    static final Duration POLL_INTERVAL = Duration.ofMillis(500);

    /** The state of a campaign whose variants are being built; it has no jobs yet. */
    static final String PREPARING = "preparing";

    private CampaignWatcher() {
    }

    /** e.g. "preparing variants 2/5: building mnist-cnn separable". */
    static String preparingLine(CampaignStatus status) {
        return "preparing variants " + status.getVariantsPrepared() + "/" + status.getVariantsTotal()
                + (status.getPreparationMessage().isEmpty() ? "" : ": " + status.getPreparationMessage());
    }

    /**
     * @throws EdgeperfException EXTERNAL when {@code timeout} passes before the campaign finishes;
     *         USER_ERROR naming the reason when its variants could not be prepared
     */
    static CampaignStatus await(Supplier<CampaignStatus> poll, CampaignStatus first, Duration timeout,
                                PrintStream err) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        CampaignStatus status = first;
        boolean terminal = System.console() != null;
        ProgressBar bar = terminal ? new ProgressBarBuilder().setTaskName("campaign").setInitialMax(first.getJobsTotal())
                .setConsumer(new ConsoleProgressBarConsumer(err)).setUpdateIntervalMillis(250).build() : null;
        String last = "";
        boolean noopsShown = false;
        try {
            while (true) {
                boolean preparing = status.getState() == CampaignState.CAMPAIGN_STATE_PREPARING;
                if (!preparing && !noopsShown) {
                    // once the variants are prepared: one line per variant whose recipe changed nothing
                    CampaignReport.noopLines(status).forEach(err::println);
                    // and one per input a fixed-batch model was rebatched on, as stored with the campaign
                    CampaignReport.rebatchedLines(status).forEach(err::println);
                    noopsShown = true;
                }
                String line = preparing ? preparingLine(status) : String.format(
                        "campaign %s: %d/%d done, %d running, %d failed%s", status.getCampaignId(),
                        status.getJobsDone(), status.getJobsTotal(), status.getJobsRunning(), status.getJobsFailed(),
                        status.getWaitingReason().isEmpty() ? "" : " (" + status.getWaitingReason() + ")");
                if (bar != null && preparing) {
                    bar.setExtraMessage(line);
                } else if (bar != null) {
                    bar.maxHint(status.getJobsTotal());
                    bar.stepTo(status.getJobsDone() + status.getJobsFailed());
                    bar.setExtraMessage(status.getWaitingReason());
                } else if (!line.equals(last)) {
                    err.println(line);
                    last = line;
                }
                if (!preparing && status.getState() != CampaignState.CAMPAIGN_STATE_RUNNING) {
                    if (!status.getPreparationFailure().isEmpty()) {
                        throw EdgeperfException.userError("campaign " + status.getCampaignId() + " failed: "
                                + status.getPreparationFailure());
                    }
                    return status;
                }
                if (System.nanoTime() > deadline) {
                    throw new EdgeperfException(ErrorCategory.EXTERNAL, "campaign " + status.getCampaignId()
                            + " did not finish within " + timeout.toSeconds() + " s (" + status.getJobsDone() + " of "
                            + status.getJobsTotal() + " jobs done); see: edgeperf campaign status "
                            + status.getCampaignId());
                }
                Thread.sleep(POLL_INTERVAL.toMillis());
                status = poll.get();
            }
        } finally {
            if (bar != null) {
                bar.close();
            }
        }
    }
}
