package dev.edgeperf.coordinator.cli;

import dev.edgeperf.coordinator.review.ParetoFront;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code edgeperf campaign pareto ID [--device SEL] [--metric p50|p99|size] [--batch N] [--json]}: quality
 * (top-1, or fidelity without labels) vs cost per device and batch, Pareto-optimal variants marked.
 */
@Command(name = "pareto", mixinStandardHelpOptions = true,
        description = "Accuracy (or fidelity) vs p50, p99 or size per device and batch, Pareto-optimal variants marked.",
        footer = {"%nExamples:", "  edgeperf campaign pareto latest --metric p99 --batch 1",
            "  edgeperf campaign pareto 3f2a --device board=rpi5 --metric size --json"})
final class CampaignParetoCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "Campaign id, a unique prefix of one, or latest.")
    String campaignId;

    @Option(names = "--device", paramLabel = "SEL", description = "Only this device: agent name, name=AGENT, board=BOARD"
            + " or the selector the jobs were planned for.")
    String device;

    @Option(names = "--metric", defaultValue = "p50", paramLabel = "p50|p99|size",
            description = "Cost axis (default: ${DEFAULT-VALUE}).")
    String metric;

    @Option(names = "--batch", paramLabel = "N", description = "Only this batch (default: every batch, each its own front).")
    Integer batch;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    JsonOption json;

    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    /** The front as the CLI prints it: a heading line and one table row per point, optimal ones starred. */
    static String render(ParetoFront front) {
        ParetoFront.Metric m = front.metric();
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "campaign %s: %s vs %s (%s); * = Pareto-optimal%n", front.campaignId(), front.quality(), m.key(),
                m.label()));
        TextTable table = new TextTable("device", "model", "variant", ">batch",
                ">" + (m == ParetoFront.Metric.SIZE ? "bytes" : m.key() + " ms"), ">" + front.quality(), "pareto");
        for (ParetoFront.Device d : front.devices()) {
            for (ParetoFront.Point p : d.points()) {
                table.add(d.device(), p.model(), p.variant(), p.batch(), m == ParetoFront.Metric.SIZE
                        ? String.format(Locale.ROOT, "%,.0f", p.x()) : String.format(Locale.ROOT, "%.4f", p.x()),
                        String.format(Locale.ROOT, "%.4f", p.quality()), p.paretoOptimal() ? "*" : "");
            }
        }
        return out.append(table.render()).toString();
    }

    @Override
    public Integer call() {
        ParetoFront.Metric m = ParetoFront.Metric.parse(metric);
        Integer b = ReviewInputs.batch(batch);
        try (CoordinatorClient client = connection.connect()) {
            var status = client.status(CampaignIdResolver.of(client).resolve(campaignId));
            ParetoFront front = ParetoFront.of(ReviewInputs.rows(status), m, device, b);
            if (json.json) {
                spec.commandLine().getOut().println(CampaignReport.write(front.toJson()));
            } else {
                spec.commandLine().getOut().print(render(front));
            }
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
