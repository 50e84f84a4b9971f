package dev.edgeperf.coordinator.cli;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.cost.CountingConvention;
import dev.edgeperf.core.cost.ModelProfile;
import dev.edgeperf.core.cost.ProfileOptions;
import dev.edgeperf.core.predict.DevicePeaks;
import dev.edgeperf.core.predict.KernelPredictor;
import dev.edgeperf.core.predict.kernel.Kernel;
import dev.edgeperf.core.predict.kernel.KernelCalibration;
import dev.edgeperf.core.predict.kernel.KernelCalibrationProto;
import dev.edgeperf.core.predict.kernel.KernelDetector;
import dev.edgeperf.core.predict.kernel.KernelInputs;
import dev.edgeperf.core.zoo.ModelZoo;
import dev.edgeperf.core.io.Digests;
import dev.edgeperf.core.predict.learned.LearnedInputs;
import dev.edgeperf.coordinator.schedule.ProfileStaleness;
import dev.edgeperf.coordinator.store.ResultField;
import dev.edgeperf.core.predict.NodePrediction;
import dev.edgeperf.core.predict.PredictedLatency;
import dev.edgeperf.core.predict.PredictionInput;
import dev.edgeperf.core.predict.Predictor;
import dev.edgeperf.core.predict.Predictors;
import dev.edgeperf.proto.AgentInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code models predict}: every predictor's latency for a model on a calibrated device, with the top nodes. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Predict the latency of one inference call of a zoo model or an ONNX file on a device, by every"
                + " predictor (or one), from the device profile `scripts/agent calibrate --out FILE` writes.",
        footer = {"%nExamples:", "  edgeperf models predict resnet18 --batch 8 --threads 2 --device-profile pi5.json",
                "  edgeperf models predict det.onnx --input x=1x3x320x320 --device-profile pi5.json --json"})
final class ModelsPredictCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", description = "Zoo name (see models list) or path to an .onnx file.")
    String model;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1",
            description = "Batch size of the call (default: ${DEFAULT-VALUE}).")
    long batch;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "0",
            description = "Intra-op threads, 0 = engine default, i.e. what the calibration used (default: ${DEFAULT-VALUE}).")
    int threads;

    @Mixin
    InputSizeOptions sizes;

    @Option(names = "--device-profile", paramLabel = "FILE",
            description = "The device's calibration JSON (agent calibrate --out FILE, or its <work-dir>/calibration.json).")
    Path deviceProfile;

    @Option(names = "--device", paramLabel = "NAME",
            description = "Instead of --device-profile: the profile the agent NAME last sent the coordinator"
                    + " (--coordinator); also the learned-from-campaigns prediction from its stored campaigns and, when"
                    + " it measured this model at this batch and threads, the measured p50 and per-node times.")
    String device;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--predictor", paramLabel = "P",
            description = "Only this predictor (naive-flops, roofline, kernel or learned-from-campaigns); default: all of them.")
    String predictor;

    @Option(names = "--top", paramLabel = "N", defaultValue = "10",
            description = "Nodes shown, by predicted time (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--profile-max-age", paramLabel = "DURATION", defaultValue = "7d",
            converter = DurationConverter.class,
            description = "A device profile calibrated or refreshed longer ago than this is stale, and its predictions"
                    + " are labelled so; 0s = never by age (default: ${DEFAULT-VALUE}).")
    java.time.Duration profileMaxAge;

    @Mixin
    JsonOption json;

    @Spec
    CommandSpec spec;

    /** The device's stored measurements (--device); none with --device-profile. */
    private DeviceMeasured measured = DeviceMeasured.NONE;

    @Override
    public Integer call() {
        if (batch < 1 || batch > Integer.MAX_VALUE) {
            throw EdgeperfException.userError("--batch must be a positive integer, got '" + batch + "'");
        }
        if (threads < 0) {
            throw EdgeperfException.userError("--threads must be >= 0 (0 = engine default), got '" + threads + "'");
        }
        if (top < 0) {
            throw EdgeperfException.userError("--top must be >= 0, got '" + top + "'");
        }
        List<Predictor> predictors = predictor == null ? Predictors.all() : List.of(Predictors.byName(predictor));
        if ((deviceProfile == null) == (device == null)) {
            throw EdgeperfException.userError("give exactly one of --device-profile FILE and --device NAME");
        }
        DevicePeaks peaks;
        String stale;
        long measuredUnixMs;
        Optional<KernelCalibration> samples;
        if (deviceProfile != null) {
            peaks = DeviceProfileFile.read(deviceProfile);
            stale = DeviceProfileFile.staleReason(deviceProfile, localEngineVersion());
            measuredUnixMs = DeviceProfileFile.measuredUnixMs(deviceProfile);
            samples = DeviceProfileFile.readKernels(deviceProfile);
        } else {
            AgentInfo agent;
            try (CoordinatorClient client = connection.connect()) {
                agent = agent(client, device);
                measured = DeviceMeasured.of(client.deviceHistory(device, digest(), (int) batch, threads));
            }
            peaks = AgentProfiles.peaks(agent);
            stale = AgentProfiles.staleReason(agent);
            measuredUnixMs = agent.getCalibration().getMeasuredUnixMs();
            samples = agent.getCalibration().hasKernels()
                    ? Optional.of(KernelCalibrationProto.fromProto(agent.getCalibration().getKernels())) : Optional.empty();
        }
        String source = deviceProfile != null ? "--device-profile " + deviceProfile : "the profile of agent '" + device
                + "'";
        if (!stale.isEmpty()) {
            spec.commandLine().getErr().println("warning: " + source + " is stale (" + stale
                    + "): its predictions may not hold; run `scripts/agent calibrate` again");
        }
        String old = ProfileStaleness.age(measuredUnixMs, System.currentTimeMillis(), profileMaxAge);
        if (!old.isEmpty()) {
            spec.commandLine().getErr().println("warning: " + source + " is stale (" + old + ")");
        }
        spec.commandLine().getErr().flush();
        stale = ProfileStaleness.both(stale, old);
        // the detailed convention: a predictor must see the FLOPs the kernels really do
        ModelProfile profile = ModelArgument.profile(model,
                new ProfileOptions(batch, sizes.shapes(), sizes.dimValues(), CountingConvention.DETAILED));
        Optional<KernelInputs> kernels = Optional.empty();
        if (predictors.stream().anyMatch(p -> p.name().equals(KernelPredictor.NAME))) {
            kernels = samples.map(k -> new KernelInputs(kernels(), k));
        }
        PredictionInput plain = new PredictionInput(profile.totalFlops(), (int) batch, threads, "CPU", peaks,
                Optional.of(profile), kernels);
        // the stored campaigns of the device are the learned predictor's only data; a profile file has none
        PredictionInput input = device == null ? plain : plain.withLearned(new LearnedInputs(modelName(), "",
                measured.cells()));
        List<PredictedLatency> answers = predictors.stream().map(p -> p.predict(input)).toList();
        PredictedLatency recommended = Predictors.recommended(answers);
        spec.commandLine().getOut().print(json.json ? json(profile, answers, recommended, stale) + "\n"
                : table(profile, answers, recommended) + (stale.isEmpty() ? "" : "stale profile: " + stale + "\n"));
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** The kernels ONNX Runtime runs for the model at this batch and these input shapes. */
    private List<Kernel> kernels() {
        if (ModelArgument.isFile(model)) {
            return KernelDetector.detect(ModelArgument.existingFile(model), batch, sizes.shapes(), sizes.dimValues());
        }
        return KernelDetector.detect(ModelZoo.buildProto(model), model, batch, sizes.shapes(), sizes.dimValues());
    }

    /** The name campaigns store the model under: the zoo name, or the uploaded file's name. */
    private String modelName() {
        return ModelArgument.isFile(model) ? Path.of(model).getFileName().toString() : model;
    }

    /** SHA-256 of the ONNX file a campaign's baseline job of this model runs. */
    private String digest() {
        if (!ModelArgument.isFile(model)) {
            return Digests.sha256Hex(ModelZoo.build(model));
        }
        Path file = ModelArgument.existingFile(model);
        try {
            return Digests.sha256Hex(file);
        } catch (java.io.IOException e) {
            throw EdgeperfException.userError("model file " + model + " cannot be read: " + e.getMessage());
        }
    }

    private String table(ModelProfile profile, List<PredictedLatency> answers, PredictedLatency recommended) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%s  batch %d, threads %s, %s FLOPs, device"
                + " profile %s%n%n", profile.source(), batch, threads == 0 ? "default" : threads,
                String.format(Locale.ROOT, "%,d", profile.totalFlops()), deviceProfile != null ? deviceProfile
                        : "of agent " + device));
        TextTable predictions = new TextTable("predictor", ">ms", "basis");
        for (PredictedLatency p : answers) {
            predictions.add(p.predictor() + (p == recommended ? " *" : ""), p.known() ? ms(p.millis()) : "-", p.basis());
        }
        out.append(predictions.render()).append("* recommended\n");
        measured.p50Ms().ifPresent(p50 -> out.append(String.format(Locale.ROOT, "measured p50 %s ms on %s; %s%n",
                ms(p50), device, measured.source())));
        for (PredictedLatency p : answers) {
            if (p.nodes().isEmpty() || top == 0) {
                continue;
            }
            out.append(String.format(Locale.ROOT, "%nTop %d of %d nodes by %s time:%n", Math.min(top, p.nodes().size()),
                    p.nodes().size(), p.predictor()));
            boolean withMeasured = !measured.nodeMs().isEmpty();
            TextTable nodes = withMeasured ? new TextTable("node", "op", ">ms", ">share", "bound", ">measured ms")
                    : new TextTable("node", "op", ">ms", ">share", "bound");
            for (NodePrediction n : topNodes(p)) {
                String share = String.format(Locale.ROOT, "%.1f%%", 100 * n.millis() / p.millis());
                if (withMeasured) {
                    Double m = measured.nodeMs().get(n.node());
                    nodes.add(n.node(), n.opType(), ms(n.millis()), share, n.bound().label(), m == null ? "-" : ms(m));
                } else {
                    nodes.add(n.node(), n.opType(), ms(n.millis()), share, n.bound().label());
                }
            }
            out.append(nodes.render());
        }
        return out.toString();
    }

    private List<NodePrediction> topNodes(PredictedLatency p) {
        return p.nodes().stream().sorted(Comparator.comparingDouble(NodePrediction::millis).reversed()).limit(top)
                .toList();
    }

    private static AgentInfo agent(CoordinatorClient client, String name) {
        List<AgentInfo> agents = client.agents().getAgentsList();
        return agents.stream().filter(a -> a.getName().equals(name)).findFirst().orElseThrow(() ->
                EdgeperfException.userError("--device " + name + ": no agent of that name; the coordinator knows "
                        + (agents.isEmpty() ? "none" : agents.stream().map(AgentInfo::getName)
                        .collect(java.util.stream.Collectors.joining(", ")))));
    }

    private static String localEngineVersion() {
        try {
            return ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion();
        } catch (RuntimeException | LinkageError e) {
            return ""; // unknown here: nothing to compare with
        }
    }

    private String json(ModelProfile profile, List<PredictedLatency> answers, PredictedLatency recommended,
                        String stale) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", profile.source());
        root.put("batch", batch);
        root.put("threads", threads);
        root.put("flops", profile.totalFlops());
        root.put("predictedMs", recommended.known() ? recommended.millis() : null);
        root.put("predictor", recommended.predictor());
        Map<String, Object> byName = new LinkedHashMap<>();
        Map<String, Object> details = new LinkedHashMap<>();
        for (PredictedLatency p : answers) {
            byName.put(p.predictor(), p.known() ? p.millis() : null);
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("basis", p.basis());
            List<Map<String, Object>> nodes = new ArrayList<>();
            for (NodePrediction n : topNodes(p)) {
                Map<String, Object> node = new LinkedHashMap<>();
                node.put("node", n.node());
                node.put("opType", n.opType());
                node.put("ms", n.millis());
                node.put("bound", n.bound().label());
                if (device != null) {
                    node.put("measuredMs", measured.nodeMs().get(n.node()));
                }
                nodes.add(node);
            }
            detail.put("topNodes", nodes);
            details.put(p.predictor(), detail);
        }
        root.put("predictors", byName);
        if (device != null) {
            root.put("measuredMs", measured.p50Ms().orElse(null));
            root.put("measuredJobId", measured.result().map(r -> r.text(ResultField.JOB_ID)).orElse(null));
        }
        root.put("stale", !stale.isEmpty());
        root.put("staleReason", stale.isEmpty() ? null : stale);
        root.put("details", details);
        return CampaignReport.write(root);
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, v >= 10 ? "%.1f" : v >= 0.1 ? "%.3f" : "%.4f", v);
    }
}
