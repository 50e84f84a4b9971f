package dev.edgeperf.coordinator.cli;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.proto.CampaignStatus;
import dev.edgeperf.proto.SubmitCampaignRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code edgeperf campaign run}: submit, follow, print the predicted-vs-measured table. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Measure models on every connected agent and compare with the FLOPs prediction.")
final class CampaignRunCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, split = ",", paramLabel = "NAME",
            description = "Zoo model name(s), comma-separated.")
    List<String> models;

    @Option(names = "--batch", required = true, split = ",", paramLabel = "N",
            description = "Batch size(s), comma-separated.")
    List<Integer> batches;

    @Option(names = "--threads", split = ",", defaultValue = "0", paramLabel = "N",
            description = "Intra-op thread count(s), 0 = engine default (default: ${DEFAULT-VALUE}).")
    List<Integer> threads;

    @Option(names = "--variant", split = ",", defaultValue = "baseline", paramLabel = "RECIPE",
            description = "Variant recipe(s) (default: ${DEFAULT-VALUE}).")
    List<String> variants;

    @Option(names = "--name", description = "Campaign label.")
    String name;

    @Option(names = "--timeout", defaultValue = "10m", converter = DurationConverter.class,
            description = "Give up waiting after this long, e.g. 30s, 10m (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    MeasurementOptions measurement;

    @Mixin
    JsonOption json;

    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        SubmitCampaignRequest request = request();
        try (CoordinatorClient client = connection.connect()) {
            CampaignStatus submitted = client.submit(request);
            spec.commandLine().getErr().println("submitted campaign " + submitted.getCampaignId() + " with "
                    + submitted.getJobsTotal() + " jobs");
            CampaignStatus done = CampaignWatcher.await(() -> client.status(submitted.getCampaignId()), submitted,
                    timeout, System.err);
            spec.commandLine().getOut().print(json.json ? CampaignReport.json(done) + "\n" : CampaignReport.table(done));
            spec.commandLine().getOut().flush();
            if (done.getJobsFailed() > 0) {
                throw EdgeperfException.external(done.getJobsFailed() + " of " + done.getJobsTotal()
                        + " jobs failed; reasons are in the table", null);
            }
            return 0;
        }
    }

    SubmitCampaignRequest request() {
        for (int batch : batches) {
            if (batch < 1) {
                throw EdgeperfException.userError("--batch must be positive integers, got '" + batch + "'");
            }
        }
        for (int thread : threads) {
            if (thread < 0) {
                throw EdgeperfException.userError("--threads must be integers >= 0 (0 = engine default), got '"
                        + thread + "'");
            }
        }
        SubmitCampaignRequest.Builder request = SubmitCampaignRequest.newBuilder().addAllModels(models)
                .addAllBatchSizes(batches).addAllIntraOpThreads(threads).addAllVariants(variants)
                .setSettings(measurement.toProto());
        if (name != null) {
            request.setName(name);
        }
        return request.build();
    }
}
