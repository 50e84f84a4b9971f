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
 * Polls a campaign until it is no longer running, showing progress on stderr: a progress bar on a
 * terminal, one line per change otherwise (so logs stay readable).
 */
final class CampaignWatcher {
    static final Duration POLL_INTERVAL = Duration.ofMillis(500);

    private CampaignWatcher() {
    }

    /** @throws EdgeperfException EXTERNAL when {@code timeout} passes before the campaign finishes */
    static CampaignStatus await(Supplier<CampaignStatus> poll, CampaignStatus first, Duration timeout,
                                PrintStream err) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        CampaignStatus status = first;
        boolean terminal = System.console() != null;
        ProgressBar bar = terminal ? new ProgressBarBuilder().setTaskName("campaign").setInitialMax(first.getJobsTotal())
                .setConsumer(new ConsoleProgressBarConsumer(err)).setUpdateIntervalMillis(250).build() : null;
        String last = "";
        try {
            while (true) {
                String line = String.format("campaign %s: %d/%d done, %d running, %d failed%s", status.getCampaignId(),
                        status.getJobsDone(), status.getJobsTotal(), status.getJobsRunning(), status.getJobsFailed(),
                        status.getWaitingReason().isEmpty() ? "" : " (" + status.getWaitingReason() + ")");
                if (bar != null) {
                    bar.stepTo(status.getJobsDone() + status.getJobsFailed());
                    bar.setExtraMessage(status.getWaitingReason());
                } else if (!line.equals(last)) {
                    err.println(line);
                    last = line;
                }
                if (status.getState() != CampaignState.CAMPAIGN_STATE_RUNNING
                        && status.getState() != CampaignState.CAMPAIGN_STATE_PREPARING) {
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
