package dev.edgeperf.coordinator.cli;

import dev.edgeperf.coordinator.schedule.TrainingData;
import dev.edgeperf.coordinator.artifacts.ArtifactStore;
import dev.edgeperf.coordinator.schedule.CampaignPlanner;
import dev.edgeperf.coordinator.spec.CampaignSpec;
import dev.edgeperf.coordinator.spec.CampaignSpecParser;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.onnx.ModelInputs;
import dev.edgeperf.core.onnx.OnnxModels;
import dev.edgeperf.core.onnx.ShapeArgs;
import dev.edgeperf.core.zoo.ModelZoo;
import dev.edgeperf.proto.CampaignStatus;
import dev.edgeperf.proto.SubmitCampaignRequest;
import dev.edgeperf.core.calibration.CalibrationSource;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
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
            "  edgeperf campaign run --model det.onnx --input x=1x3x48x192 --batch 1,4",
            "  edgeperf campaign run --model bert.onnx --dim sequence=128 --batch 1,8",
            "  edgeperf campaign run scripts/campaigns/mnist-sweep.yaml --detach"})
final class CampaignRunCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SPEC.yaml",
            description = "Campaign spec (models, variants, batch_sizes, threads, modes, devices, measurement).")
    Path specFile;

    @Option(names = "--detach", description = "Submit, print the campaign id and return without waiting.")
    boolean detach;

    @Option(names = "--model", split = ",", paramLabel = "NAME|FILE",
            description = "Zoo model name(s) or .onnx file(s), comma-separated (without a spec file).")
    List<String> models;

    @Option(names = "--input", paramLabel = "NAME=SHAPE",
            description = "Full shape of one input of the --model, e.g. x=1x3x48x192; each batch size replaces its"
                    + " leading dimension (repeatable).")
    Map<String, String> inputs;

    @Option(names = "--dim", paramLabel = "NAME=SIZE",
            description = "Size of a named symbolic dimension of the --model, e.g. sequence=128 (repeatable).")
    Map<String, String> dims;

    @Option(names = "--value", paramLabel = "NAME=V[,V...]",
            description = "Values of an integer input of the --model, fed instead of generated data and used to count"
                    + " an If on it, e.g. sr=16000 (repeatable).")
    List<String> values;

    @Option(names = "--providers", split = ",", paramLabel = "NAME",
            description = "ONNX Runtime execution providers to open every job's session with, in order, e.g. cuda,cpu"
                    + " (case-insensitive; CPU serves as fallback only when listed; overrides a spec's providers:)."
                    + " A provider an agent lacks fails its job.")
    List<String> providers;

    @Option(names = "--batch", split = ",", paramLabel = "N",
            description = "Batch size(s), comma-separated (without a spec file).")
    List<Integer> batches;

    @Option(names = "--threads", split = ",", defaultValue = "0", paramLabel = "N",
            description = "Intra-op thread count(s), 0 = engine default (default: ${DEFAULT-VALUE}).")
    List<Integer> threads;

    // commas inside a distilled: recipe's options do not split, as in variants build
    @Option(names = "--variant", split = VariantsBuildCommand.RECIPE_SPLIT, defaultValue = "baseline",
            paramLabel = "RECIPE",
            description = "Variant recipe(s) (default: ${DEFAULT-VALUE}).")
    List<String> variants;

    @Option(names = "--mode", split = ",", defaultValue = "latency", paramLabel = "MODE",
            description = "latency (single stream) and/or throughput:C (C concurrent requests) (default: ${DEFAULT-VALUE}).")
    List<String> modes;

    @Option(names = "--device", paramLabel = "SELECTOR",
            description = "Device selector, repeatable: board=rpi5, arch=aarch64,isa=neon, name=pi-1, a label k=v,"
                    + " or all (default: every connected agent).")
    List<String> devices;

    @Option(names = "--calibration", paramLabel = "SOURCE",
            description = "Calibration data the variants are built and checked with, for every model (overrides the"
                    + " spec's campaign-level calibration:): random[:SEED], mnist, fashion-mnist, idx:DIR, images:DIR,"
                    + " tensors:DIR; folders are sent with the campaign. Default: the spec's, else random.")
    String calibration;

    @Option(names = "--preprocess", paramLabel = "KEY=VALUE[,...]",
            description = "With --calibration images:DIR: resize=HxW, layout=nchw|nhwc, channels=rgb|bgr|gray,"
                    + " scale=1/255, mean=A/B/C, std=A/B/C.")
    String preprocess;

    @Option(names = "--name", paramLabel = "TEXT", description = "Campaign label.")
    String name;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
            description = "Give up waiting after this long, e.g. 30s, 10m (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--evaluation", paramLabel = "SOURCE",
            description = "Labelled data every variant's accuracy is measured on, once, on the coordinator (overrides"
                    + " the spec's evaluation:): mnist, fashion-mnist, images:DIR (one sub-folder per class),"
                    + " tensors:DIR (with labels.txt, one class per sample) or idx:DIR (t10k files).")
    String evaluation;

    @Option(names = "--evaluation-preprocess", paramLabel = "SPEC",
            description = "With --evaluation images:DIR: the same keys as --preprocess.")
    String evaluationPreprocess;

    @Option(names = "--training", paramLabel = "SOURCE",
            description = "Train split distilled:STUDENT variants are trained on, on the coordinator (overrides the"
                    + " spec's training:): mnist or fashion-mnist.")
    String training;

    @Option(names = "--train-images", paramLabel = "N", defaultValue = "0",
            description = "With --training: only the first N train images (default: 0 = all).")
    int trainImages;

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
        boolean sized = inputs != null || dims != null || values != null;
        if (specFile != null && (models != null || batches != null || sized)) {
            throw EdgeperfException.userError("give either a campaign spec file (" + specFile
                    + ") or --model and --batch" + (sized ? " (with --input/--dim/--value)" : "")
                    + ", not both; a spec gives a model's sizes in inputs: and dims:, its input values in values:");
        }
        if (preprocess != null && calibration == null) {
            throw EdgeperfException.userError("--preprocess needs --calibration images:DIR");
        }
        // parsed and read before connecting, so bad calibration input fails without touching the coordinator
        dev.edgeperf.proto.ModelCalibration common = calibration == null ? null
                : CampaignSpec.calibrationMessage("", CalibrationSource.parse(calibration, preprocess, null));
        if (evaluationPreprocess != null && evaluation == null) {
            throw EdgeperfException.userError("--evaluation-preprocess needs --evaluation images:DIR");
        }
        dev.edgeperf.proto.ModelCalibration evaluationMessage = evaluation == null ? null
                : CampaignSpec.evaluationMessage("", parseEvaluation(evaluation, evaluationPreprocess));
        if (trainImages != 0 && training == null) {
            throw EdgeperfException.userError("--train-images needs --training mnist|fashion-mnist");
        }
        TrainingData trainingData = training == null ? null : new TrainingData(training, trainImages);
        List<String> providerList = providers == null ? null : providers(providers);
        // flags are checked before connecting; a spec needs the fleet's label keys to be checked
        CampaignSpec flags = specFile == null ? flagsSpec() : null;
        try (CoordinatorClient client = connection.connect()) {
            SubmitCampaignRequest request;
            if (flags != null) {
                request = withUploads(client, request(flags), flags.modelFiles());
            } else {
                Set<String> labelKeys = new TreeSet<>();
                client.agents().getAgentsList().forEach(a -> labelKeys.addAll(a.getLabelsMap().keySet()));
                var parsed = CampaignSpecParser.read(specFile, labelKeys);
                request = withUploads(client, parsed.toRequest(), parsed.modelFiles());
            }
            if (common != null) {
                SubmitCampaignRequest.Builder b = request.toBuilder().clearCalibrations();
                request.getCalibrationsList().stream().filter(c -> !c.getModel().isEmpty()).forEach(b::addCalibrations);
                request = b.addCalibrations(common).build();
            }
            if (evaluationMessage != null) {
                request = request.toBuilder().clearEvaluations().addEvaluations(evaluationMessage).build();
            }
            if (trainingData != null) {
                request = request.toBuilder().setTraining(trainingData.source())
                        .setTrainImages(trainingData.trainImages()).build();
            }
            if (providerList != null) {
                request = request.toBuilder().setSettings(dev.edgeperf.core.measure.MeasurementSettings.fromProto(
                        request.hasSettings() ? request.getSettings() : null).withProviders(providerList).toProto()).build();
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

    /** {@code --providers} in canonical names; an unknown or repeated one is a one-line user error. */
    static List<String> providers(List<String> names) {
        try {
            return dev.edgeperf.core.measure.ExecutionProviders.canonical(names);
        } catch (EdgeperfException e) {
            throw EdgeperfException.userError(e.getMessage().replace("measurement setting providers", "--providers"));
        }
    }

    private static CalibrationSource parseEvaluation(String text, String preprocess) {
        try {
            return CalibrationSource.parse(text, preprocess, null);
        } catch (EdgeperfException e) {
            throw EdgeperfException.userError(e.getMessage().replace("--calibration", "--evaluation")
                    .replace("--preprocess", "--evaluation-preprocess"));
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

    /** The request the flags give, without the model files (they are uploaded by digest when it runs). */
    SubmitCampaignRequest request() {
        return request(flagsSpec());
    }

    private SubmitCampaignRequest request(CampaignSpec flags) {
        return flags.toRequest().toBuilder().addAllModes(modes).build();
    }

    private CampaignSpec flagsSpec() {
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
        ModelInputs sizes = ModelInputs.parse(inputs == null ? Map.of() : inputs, dims == null ? Map.of() : dims)
                .withValues(ShapeArgs.values(values == null ? List.of() : values));
        if (!sizes.isEmpty() && models.size() != 1) {
            throw EdgeperfException.userError("--input, --dim and --value apply to one --model, but " + models.size()
                    + " are given (" + String.join(", ", models) + "); give each model's sizes in a campaign spec");
        }
        List<CampaignSpec.ModelRef> refs = new ArrayList<>();
        for (String model : models) {
            CampaignSpec.ModelRef ref = model(model.strip(), sizes);
            if (ref.file() != null) {
                // size, external data and input shapes at every batch, before anything is uploaded (the
                // coordinator checks them again at submit)
                ModelUploads.check(ref.displayName(), ref.file(), ArtifactStore.MAX_FILE_BYTES);
                CampaignPlanner.checkBeforeUpload(ref.displayName(), OnnxModels.map(ref.file()),
                        sizes, batches);
            }
            refs.add(ref);
        }
        // the spec's request builder: the same wire form for flags and spec files
        return new CampaignSpec(Optional.ofNullable(name), refs, variants, batches, threads,
                List.of(), devices == null ? List.of() : devices, measurement.settings().toProto(), "");
    }

    /** A zoo name, or an .onnx file (or any existing file) uploaded with the campaign. */
    private static CampaignSpec.ModelRef model(String model, ModelInputs sizes) {
        Path file;
        try {
            file = Path.of(model);
        } catch (InvalidPathException e) {
            file = null;
        }
        if (model.endsWith(".onnx") || (file != null && Files.isRegularFile(file))) {
            if (file == null || !Files.isRegularFile(file)) {
                throw EdgeperfException.userError("--model " + model + ": the model file does not exist");
            }
            return new CampaignSpec.ModelRef(null, file.toAbsolutePath().normalize(), sizes);
        }
        if (!ModelZoo.names().contains(model)) {
            throw EdgeperfException.userError("--model: unknown model '" + model + "' (expected a zoo model, one of "
                    + String.join(", ", ModelZoo.names()) + ", or an .onnx file)");
        }
        return new CampaignSpec.ModelRef(model, null, sizes);
    }
}
