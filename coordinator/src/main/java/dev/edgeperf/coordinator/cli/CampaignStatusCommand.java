package dev.edgeperf.coordinator.cli;

import dev.edgeperf.proto.CampaignStatus;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code edgeperf campaign status ID}. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show a campaign's progress and results.",
        footer = {"%nExamples:", "  edgeperf campaign status latest --json", "  edgeperf campaign status 3f2a"})
final class CampaignStatusCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "Campaign id as printed by campaign run, a unique prefix of one, or latest.")
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
            CampaignStatus status = client.status(CampaignIdResolver.of(client).resolve(campaignId));
            spec.commandLine().getOut().print(json.json ? CampaignReport.json(status) + "\n"
                    : CampaignReport.table(status));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
