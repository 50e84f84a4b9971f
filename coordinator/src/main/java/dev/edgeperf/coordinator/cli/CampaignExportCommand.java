package dev.edgeperf.coordinator.cli;

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
 * {@code edgeperf campaign export ID --format csv|json}: every finished job, one row each. Latencies
 * are per batch in ms (compute unless named end-to-end); {@code threads} is what the session used,
 * {@code requested_threads} what the campaign asked for (0 = engine default); {@code peak_basis} says
 * whether the prediction used the calibrated or the theoretical peak; queue wait and measurement
 * time are coordinator-clock ms.
 */
@Command(name = "export", mixinStandardHelpOptions = true, description = "Export a campaign's rows as CSV or JSON.")
final class CampaignExportCommand implements Callable<Integer> {
    static final List<String> CSV_COLUMNS = List.of("job_id", "attempt", "agent", "model", "variant", "batch",
            "threads", "requested_threads", "concurrency", "selector", "state", "flops", "peak_gflops", "peak_basis",
            "predicted_ms", "p50_ms", "p90_ms", "p99_ms", "p999_ms", "mean_ms", "end_to_end_p50_ms",
            "throughput_samples_per_s", "queue_wait_ms", "measurement_ms", "stop_reason", "failure_reason");

    @Parameters(paramLabel = "ID", description = "Campaign id.")
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
            CampaignStatus status = client.status(campaignId);
            spec.commandLine().getOut().print(format.equals("json") ? CampaignReport.json(status) + "\n" : csv(status));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    static String csv(CampaignStatus status) {
        StringBuilder out = new StringBuilder(String.join(",", CSV_COLUMNS)).append('\n');
        for (ResultRow r : status.getRowsList()) {
            List<Object> values = List.of(r.getJobId(), r.getAttempt(), r.getAgentName(), r.getModelName(),
                    r.getVariantRecipe(), r.getBatchSize(), r.getIntraOpThreads(), r.getRequestedIntraOpThreads(),
                    r.getConcurrency(), r.getSelector(), r.getState(), r.getFlops(), r.getPeakGflops(),
                    r.getPeakBasis(), r.getPredictedMs(), r.getP50Ms(), r.getP90Ms(), r.getP99Ms(), r.getP999Ms(),
                    r.getMeanMs(), r.getEndToEndP50Ms(), r.getThroughputSamplesPerS(), r.getQueueWaitMs(),
                    r.getMeasurementMs(), r.getStopReason(), r.getFailureReason());
            out.append(values.stream().map(CampaignExportCommand::cell).collect(Collectors.joining(","))).append('\n');
        }
        return out.toString();
    }

    /** RFC 4180: quote cells holding a comma, quote or line break; doubles without locale. */
    static String cell(Object value) {
        String s = value instanceof Double d ? String.format(Locale.ROOT, "%.6g", d) : String.valueOf(value);
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
