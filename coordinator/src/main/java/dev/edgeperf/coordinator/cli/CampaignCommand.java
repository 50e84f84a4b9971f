package dev.edgeperf.coordinator.cli;

import picocli.CommandLine.Command;

/** {@code edgeperf campaign}: groups run, list, status, cancel and export. */
@Command(name = "campaign", mixinStandardHelpOptions = true, description = "Submit campaigns and follow them.",
        subcommands = {CampaignRunCommand.class, CampaignListCommand.class, CampaignStatusCommand.class,
            CampaignCancelCommand.class, CampaignExportCommand.class, CampaignParetoCommand.class,
            CampaignReportCommand.class, CampaignAnalyzeCommand.class})
final class CampaignCommand {
}
