package dev.edgeperf.coordinator.cli;

import dev.edgeperf.coordinator.review.Recommendation;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code edgeperf recommend ID --device SEL --latency-budget 5ms [--min-accuracy 0.98] [--batch N] [--json]}: the
 * best variant that fits, with its evidence, or (exit 1) that none does and the closest.
 */
@Command(name = "recommend", mixinStandardHelpOptions = true,
        description = "The most accurate variant whose median's 95%% CI fits a latency budget on a device, with its"
                + " evidence and the runner-up. Exit 0 = found, 1 = no variant meets the budget (the closest is named),"
                + " 2 = bad input.",
        footer = {"%nExamples:", "  edgeperf recommend latest --device pi-1 --latency-budget 5ms --min-accuracy 0.98",
            "  edgeperf recommend 3f2a --device board=rpi5 --latency-budget 500us --batch 4 --json"})
final class RecommendCommand implements Callable<Integer> {
    /** Exit code when no variant meets the budget: an answer, not an error. */
    static final int NOT_MET = 1;

    @Parameters(paramLabel = "ID", description = "Campaign id, a unique prefix of one, or latest.")
    String campaignId;

    @Option(names = "--device", required = true, paramLabel = "SEL",
            description = "Agent name, name=AGENT, board=BOARD or the selector the jobs were planned for.")
    String device;

    @Option(names = "--latency-budget", required = true, paramLabel = "DURATION",
            description = "Compute latency per batch the variant must fit, e.g. 5ms, 500us, 0.5s.")
    String budget;

    @Option(names = "--min-accuracy", paramLabel = "FRACTION", description = "Minimum top-1 accuracy, 0..1 (needs"
            + " evaluation data).")
    Double minAccuracy;

    @Option(names = "--batch", paramLabel = "N", description = "Batch (default: 1 if measured, else the smallest).")
    Integer batch;

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
        double budgetMs = ReviewInputs.budgetMs(budget);
        Integer b = ReviewInputs.batch(batch);
        try (CoordinatorClient client = connection.connect()) {
            var status = client.status(CampaignIdResolver.of(client).resolve(campaignId));
            Recommendation r = Recommendation.of(ReviewInputs.rows(status), device, budgetMs, minAccuracy, b);
            spec.commandLine().getOut().print(json.json ? CampaignReport.write(r.toJson()) + "\n" : r.text());
            spec.commandLine().getOut().flush();
            return r.met() ? 0 : NOT_MET;
        }
    }
}
