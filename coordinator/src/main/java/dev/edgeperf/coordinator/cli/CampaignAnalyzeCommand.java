package dev.edgeperf.coordinator.cli;

import dev.edgeperf.coordinator.analysis.ErrorSummary;
import dev.edgeperf.coordinator.analysis.PredictionErrors;
import dev.edgeperf.coordinator.grpc.ResultRows;
import dev.edgeperf.coordinator.store.OpTypeShare;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.proto.CampaignStatus;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code edgeperf campaign analyze ID}: every predictor's error against the measurements, per device and variant kind. */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = "Predicted vs measured: per device and predictor the median |error|, MAPE, share of cells within"
                + " 10%% and 25%% and the worst cells; per variant kind the same. Error = (predicted - measured p50)"
                + " / measured p50.",
        footer = {"%nExamples:", "  edgeperf campaign analyze latest", "  edgeperf campaign analyze 3f2a --json"})
final class CampaignAnalyzeCommand implements Callable<Integer> {
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
            String id = CampaignIdResolver.of(client).resolve(campaignId);
            CampaignStatus status = client.statusWithDeviceHistory(id);
            PredictionErrors errors = PredictionErrors.of(id,
                    status.getRowsList().stream().map(ResultRows::fromProto).toList(),
                    status.getOpTypesList().stream().map(o -> new OpTypeShare(o.getOpType(), o.getMeasuredUs(),
                            o.getFlops())).toList(),
                    status.getDeviceHistoryList().stream().map(ResultRows::fromProto).toList());
            if (!errors.hasCells()) {
                throw EdgeperfException.userError("campaign " + id + " has no measured result with a stored"
                        + " prediction to analyze (" + errors.rows() + " rows, " + errors.measured() + " measured)");
            }
            spec.commandLine().getOut().print(json.json ? CampaignReport.write(errors.toMap()) + "\n" : table(errors));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    static String table(PredictionErrors errors) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "campaign %s: %d rows, %d measured; error = (predicted - measured p50) / measured p50%n%n",
                errors.campaignId(), errors.rows(), errors.measured()));
        out.append(PredictionErrors.LEARNED_JUDGING).append(".\n\n");
        out.append("Per device and predictor:\n").append(summaries("device", errors.byDevice()));
        for (ErrorSummary s : errors.byDevice()) {
            out.append(String.format(Locale.ROOT, "%nWorst cells, %s / %s:%n", s.group(), s.predictor()));
            TextTable worst = new TextTable("model", "variant", ">batch", ">threads", ">predicted ms", ">measured ms",
                    ">error");
            for (ErrorSummary.Cell c : s.worst()) {
                worst.add(c.model(), c.variant(), c.batch(), c.threads(), ms(c.predictedMs()), ms(c.measuredMs()),
                        String.format(Locale.ROOT, "%+.1f%%", c.errorPct()));
            }
            out.append(worst.render());
        }
        out.append("\nPer variant kind and predictor:\n").append(summaries("variant kind", errors.byVariantKind()));
        if (!errors.byOpType().isEmpty()) {
            double totalUs = errors.byOpType().stream().mapToDouble(OpTypeShare::measuredUs).sum();
            double totalFlops = errors.byOpType().stream().mapToDouble(OpTypeShare::flops).sum();
            out.append("\nPer op type, measured per-layer time vs FLOPs (profiled passes of the done jobs):\n");
            TextTable ops = new TextTable("op type", ">measured ms", ">share of time", ">GFLOPs", ">share of FLOPs");
            for (OpTypeShare o : errors.byOpType()) {
                ops.add(o.opType(), ms(o.measuredUs() / 1000), totalUs > 0 ? pct(100 * o.measuredUs() / totalUs) : "-",
                        String.format(Locale.ROOT, "%.4f", o.flops() / 1e9),
                        totalFlops > 0 ? pct(100 * o.flops() / totalFlops) : "-");
            }
            out.append(ops.render());
        }
        return out.toString();
    }

    private static String summaries(String group, List<ErrorSummary> summaries) {
        TextTable t = new TextTable(group, "predictor", ">cells", ">median |err|", ">MAPE", ">within 10%",
                ">within 25%");
        for (ErrorSummary s : summaries) {
            t.add(s.group(), s.predictor(), s.cells(), pct(s.medianAbsErrorPct()), pct(s.mapePct()),
                    pct(100 * s.within10()), pct(100 * s.within25()));
        }
        return t.render();
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f%%", v);
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, v >= 10 ? "%.1f" : v >= 0.1 ? "%.3f" : "%.4f", v);
    }
}
