package dev.edgeperf.coordinator.cli;

import dev.edgeperf.coordinator.grpc.ResultRows;
import dev.edgeperf.coordinator.store.ResultField;
import dev.edgeperf.coordinator.store.ResultRecord;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.proto.CampaignStatus;
import dev.edgeperf.proto.ResultRow;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code edgeperf campaign export ID --format csv|json}: every ended job, one row each, with every
 * {@link ResultField} (its description says what it is and its unit); a failed or cancelled job's
 * measured cells are empty (JSON null), never 0.
 */
@Command(name = "export", mixinStandardHelpOptions = true, description = "Export a campaign's rows as CSV or JSON.")
final class CampaignExportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "Campaign id, a unique prefix of one, or latest.")
    String campaignId;

    @Option(names = "--format", defaultValue = "csv", paramLabel = "csv|json",
            description = "Output format (default: ${DEFAULT-VALUE}).")
    String format;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!format.equals("csv") && !format.equals("json")) {
            throw EdgeperfException.userError("--format must be csv or json, got '" + format + "'");
        }
        try (CoordinatorClient client = connection.connect()) {
            CampaignStatus status = client.status(CampaignIdResolver.of(client).resolve(campaignId));
            spec.commandLine().getOut().print(format.equals("json") ? CampaignReport.json(status) + "\n" : csv(status));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** One column per {@link ResultField}, named by its CSV name; an empty cell is no value. */
    static String csv(CampaignStatus status) {
        StringBuilder out = new StringBuilder(ResultField.all().stream().map(ResultField::csvName)
                .collect(Collectors.joining(","))).append('\n');
        for (ResultRow row : status.getRowsList()) {
            ResultRecord r = ResultRows.fromProto(row);
            out.append(ResultField.all().stream().map(r::csvCell).collect(Collectors.joining(","))).append('\n');
        }
        return out.toString();
    }
}
