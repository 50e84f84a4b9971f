package dev.edgeperf.coordinator.cli;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.proto.CampaignStatus;
import dev.edgeperf.proto.SubmitCampaignRequest;
import dev.edgeperf.coordinator.spec.CampaignSpecParser;
import dev.edgeperf.coordinator.artifacts.ArtifactStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code edgeperf campaign run [SPEC.yaml]}: submit (a spec file, or the flags for a quick run on
 * every connected agent), follow, print the predicted-vs-measured table.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Measure models on the fleet and compare with the FLOPs prediction.",
        footer = {"%nExamples:", "  edgeperf campaign run --model mnist-cnn --batch 1,8,32 --device arch=aarch64",
            "  edgeperf campaign run scripts/campaigns/mnist-sweep.yaml --detach"})
final class CampaignRunCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SPEC.yaml",
            description = "Campaign spec (models, variants, batch_sizes, threads, modes, devices, measurement).")
    Path specFile;

    @Option(names = "--detach", description = "Submit, print the campaign id and return without waiting.")
    boolean detach;

    @Option(names = "--model", split = ",", paramLabel = "NAME",
            description = "Zoo model name(s), comma-separated (without a spec file).")
    List<String> models;

    @Option(names = "--batch", split = ",", paramLabel = "N",
            description = "Batch size(s), comma-separated (without a spec file).")
    List<Integer> batches;

    @Option(names = "--threads", split = ",", defaultValue = "0", paramLabel = "N",
            description = "Intra-op thread count(s), 0 = engine default (default: ${DEFAULT-VALUE}).")
    List<Integer> threads;

    @Option(names = "--variant", split = ",", defaultValue = "baseline", paramLabel = "RECIPE",
            description = "Variant recipe(s) (default: ${DEFAULT-VALUE}).")
    List<String> variants;

    @Option(names = "--mode", split = ",", defaultValue = "latency", paramLabel = "MODE",
            description = "latency (single stream) and/or throughput:C (C concurrent requests) (default: ${DEFAULT-VALUE}).")
    List<String> modes;

    @Option(names = "--device", paramLabel = "SELECTOR",
            description = "Device selector, repeatable: board=rpi5, arch=aarch64,isa=neon, name=pi-1, a label k=v,"
                    + " or all (default: every connected agent).")
    List<String> devices;

    @Option(names = "--name", paramLabel = "TEXT", description = "Campaign label.")
    String name;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
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
        if (specFile != null && (models != null || batches != null)) {
            throw EdgeperfException.userError("give either a campaign spec file (" + specFile
                    + ") or --model and --batch, not both");
        }
        SubmitCampaignRequest request = specFile == null ? request() : null;
        try (CoordinatorClient client = connection.connect()) {
            if (request == null) {
                Set<String> labelKeys = new TreeSet<>();
                client.agents().getAgentsList().forEach(a -> labelKeys.addAll(a.getLabelsMap().keySet()));
                var parsed = CampaignSpecParser.read(specFile, labelKeys);
                request = withUploads(client, parsed.toRequest(), parsed.modelFiles());
            }
            CampaignStatus submitted = client.submit(request);
            spec.commandLine().getErr().println("submitted campaign " + submitted.getCampaignId() + ": "
                    + CampaignReport.submitted(submitted));
            if (detach) {
                spec.commandLine().getOut().println(json.json ? CampaignReport.json(submitted)
                        : submitted.getCampaignId());
                spec.commandLine().getOut().flush();
                return 0;
            }
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

    /**
     * Checks every model file (size, external data) before sending any, then uploads them and names
     * them by digest in the request.
     */
    private SubmitCampaignRequest withUploads(CoordinatorClient client, SubmitCampaignRequest request,
                                              Map<String, Path> files) {
        List<ModelUploads.Model> checked = new ArrayList<>();
        files.forEach((label, file) -> checked.add(ModelUploads.check(label, file, ArtifactStore.MAX_FILE_BYTES)));
        boolean bar = System.console() != null || verbose.verbose;
        SubmitCampaignRequest.Builder b = request.toBuilder();
        for (ModelUploads.Model m : checked) {
            b.addModelFiles(ModelUploads.upload(client, m, bar, spec.commandLine().getErr()));
        }
        return b.build();
    }

    SubmitCampaignRequest request() {
        if (models == null || models.isEmpty() || batches == null || batches.isEmpty()) {
            throw EdgeperfException.userError("give a campaign spec file, or --model and --batch");
        }
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
                .addAllModes(modes).setSettings(measurement.settings().toProto());
        if (devices != null) {
            request.addAllSelectors(devices);
        }
        if (name != null) {
            request.setName(name);
        }
        return request.build();
    }
}
