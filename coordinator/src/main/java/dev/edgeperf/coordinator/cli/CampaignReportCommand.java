package dev.edgeperf.coordinator.cli;

import dev.edgeperf.coordinator.review.ReviewReport;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.io.AtomicFiles;
import dev.edgeperf.proto.CampaignStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code edgeperf campaign report ID --format html|md|json [--out FILE]}: the campaign report. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "A self-contained campaign report: fleet, settings, variants, results, speedups with 95%% CIs,"
                + " Pareto fronts, predicted vs measured, provenance.",
        footer = {"%nExamples:", "  edgeperf campaign report latest --format html --out report.html",
            "  edgeperf campaign report 3f2a --format md > report.md"})
final class CampaignReportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "Campaign id, a unique prefix of one, or latest.")
    String campaignId;

    @Option(names = "--format", defaultValue = "md", paramLabel = "html|md|json",
            description = "Output format (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the report here instead of stdout.")
    Path out;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!List.of("html", "md", "json").contains(format)) {
            throw EdgeperfException.userError("--format must be html, md or json, got '" + format + "'");
        }
        try (CoordinatorClient client = connection.connect()) {
            CampaignStatus status = client.statusWithHistograms(CampaignIdResolver.of(client).resolve(campaignId),
                    true);
            List<ReviewReport.FleetEntry> fleet = client.agents().getAgentsList().stream()
                    .map(a -> new ReviewReport.FleetEntry(a.getName(), a.getHardware().getBoard(),
                            a.getHardware().getArch(), a.getHardware().getCpuModel(), a.getEngineVersion(),
                            a.getConnected())).toList();
            String text = new ReviewReport(status.getName(), CampaignReport.state(status), ReviewInputs.rows(status),
                    fleet).render(format);
            if (out == null) {
                spec.commandLine().getOut().print(text);
                spec.commandLine().getOut().flush();
            } else {
                try {
                    AtomicFiles.writeString(out, text);
                } catch (IOException e) {
                    throw EdgeperfException.userError("cannot write --out " + out + ": " + e.getMessage());
                }
                spec.commandLine().getErr().println("wrote " + out);
            }
            return 0;
        }
    }
}
