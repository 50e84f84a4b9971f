package dev.edgeperf.coordinator.cli;

import dev.edgeperf.proto.CampaignStatus;
import dev.edgeperf.proto.ListCampaignsResponse;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code edgeperf campaign list}: every campaign, newest first. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List campaigns, newest first.",
        footer = {"%nExample (coordinator and token from the environment):",
            "  export EDGEPERF_COORDINATOR=10.0.0.5:7700",
            "  export EDGEPERF_TOKEN_FILE=~/edgeperf/join-token",
            "  edgeperf campaign list"})
final class CampaignListCommand implements Callable<Integer> {
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
            ListCampaignsResponse response = client.list();
            if (json.json) {
                spec.commandLine().getOut().println(CampaignReport.write(response.getCampaignsList().stream()
                        .map(CampaignReport::summary).toList()));
            } else {
                TextTable table = new TextTable("id", "name", "state", ">done", ">failed", "created", "waiting");
                for (CampaignStatus c : response.getCampaignsList()) {
                    table.add(c.getCampaignId(), c.getName(), CampaignReport.state(c), c.getJobsDone() + "/" + c.getJobsTotal(),
                            c.getJobsFailed(), Instant.ofEpochMilli(c.getCreatedUnixMs()).toString(),
                            c.getWaitingReason());
                }
                spec.commandLine().getOut().print(table.render());
            }
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
