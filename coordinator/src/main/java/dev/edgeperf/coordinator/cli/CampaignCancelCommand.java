package dev.edgeperf.coordinator.cli;

import dev.edgeperf.proto.CampaignStatus;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code edgeperf campaign cancel ID}: queued jobs are dropped; running ones finish and are not stored. */
@Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a campaign's open jobs.",
        footer = {"%nExamples:", "  edgeperf campaign cancel latest", "  edgeperf campaign cancel 3f2a"})
final class CampaignCancelCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "Campaign id, a unique prefix of one, or latest.")
    String campaignId;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    JsonOption json;

    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (CoordinatorClient client = connection.connect()) {
            CampaignStatus status = client.cancel(CampaignIdResolver.of(client).resolve(campaignId));
            spec.commandLine().getOut().println(json.json ? CampaignReport.json(status)
                    : "campaign " + status.getCampaignId() + " " + CampaignReport.state(status) + ": " + status.getJobsCancelled()
                    + " job(s) cancelled, " + status.getJobsDone() + " done");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
