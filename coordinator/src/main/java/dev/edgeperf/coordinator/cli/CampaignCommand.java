package dev.edgeperf.coordinator.cli;

import picocli.CommandLine.Command;

/** {@code edgeperf campaign}: groups run and status. */
@Command(name = "campaign", mixinStandardHelpOptions = true, description = "Submit campaigns and follow them.",
        subcommands = {CampaignRunCommand.class, CampaignStatusCommand.class})
final class CampaignCommand {
}
