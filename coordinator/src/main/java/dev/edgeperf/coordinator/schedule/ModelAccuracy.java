package dev.edgeperf.coordinator.schedule;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.coordinator.store.VariantEvaluation;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.calibration.CalibrationSource;
import dev.edgeperf.core.calibration.EvaluationData;
import dev.edgeperf.core.io.Digests;
import dev.edgeperf.core.onnx.ModelInputs;
import dev.edgeperf.core.onnx.OnnxModels;
import dev.edgeperf.core.variants.Fidelity;
import dev.edgeperf.core.variants.ModelEvaluator;
import dev.edgeperf.core.variants.OrtRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Campaign preparation's accuracy step: each variant evaluated once, on the coordinator, on the campaign's
 * labelled evaluation data ({@link EvaluationData}), with core's {@link ModelEvaluator}. The baseline's outputs
 * on the data are kept for the next variant of the same model.
 */
final class ModelAccuracy implements VariantPreparation.Evaluator {
    /** At most this many samples of a dataset's test split (MNIST's and Fashion-MNIST's whole test split). */
    static final int MAX_SAMPLES = 10_000;
    private static final int THREADS = 2;

    private final Path datasets;
    private final ModelEvaluator evaluator = new ModelEvaluator(new OrtRunner(THREADS));
    private String cachedKey;
    private ModelEvaluator.Reference cached;
    private String cachedLabel;

    /** @param datasets datasets folder for mnist/fashion-mnist, or null for the coordinator's default */
    ModelAccuracy(Path datasets) {
        this.datasets = datasets;
    }

    @Override
    public VariantEvaluation evaluate(String modelName, byte[] baseline, byte[] variant, String recipe,
            ModelInputs inputs, ModelCalibration evaluation) {
        Objects.requireNonNull(baseline, "baseline is null");
        ModelEvaluator.Reference reference = reference(modelName, baseline, inputs, evaluation);
        ModelEvaluator.Result r = variant == null ? reference.baseline()
                : evaluator.evaluate(reference, OnnxModels.parse(variant, modelName + " " + recipe),
                        modelName + " variant " + recipe);
        Fidelity f = r.fidelity();
        return new VariantEvaluation(cachedLabel, r.accuracy().samples(), r.accuracy().top1(), r.accuracy().top5(),
                f == null ? null : f.cosineSimilarity(), f == null || !Double.isFinite(f.sqnrDb()) ? null : f.sqnrDb(),
                f == null ? null : f.top1Agreement());
    }

    private ModelEvaluator.Reference reference(String modelName, byte[] baseline, ModelInputs inputs,
            ModelCalibration evaluation) {
        String key = Digests.sha256Hex(baseline) + "\n" + inputs.describe() + "\n" + evaluation.source() + "\n" + evaluation.preprocess() + "\n"
                + ModelBuilder.filesKey(evaluation.files());
        if (key.equals(cachedKey)) {
            return cached;
        }
        cached = null;
        cachedKey = null;
        ModelProto model = OnnxModels.parse(baseline, modelName);
        CalibrationSource source = evaluation.parse();
        EvaluationData data;
        if (source.folder() == null) {
            data = EvaluationData.load(source, datasets, model, modelName, MAX_SAMPLES, inputs);
        } else {
            Path dir = materialize(evaluation.files(), source);
            try {
                data = EvaluationData.load(source.withFolder(dir), datasets, model, modelName, MAX_SAMPLES, inputs);
            } finally {
                ModelBuilder.deleteTree(dir);
            }
        }
        cached = evaluator.reference(model, modelName, data.batches(), data.classes(), source.text());
        cachedLabel = data.label();
        cachedKey = key;
        return cached;
    }

    /**
     * The files the CLI sent, in a temporary folder: plain names, or {@code CLASS/NAME} for an image folder's
     * class sub-folders (one level, no hidden or parent segments).
     */
    static Path materialize(Map<String, byte[]> files, CalibrationSource source) {
        if (files.isEmpty()) {
            throw EdgeperfException.userError("evaluation " + source.text() + " came without its files; expected the"
                    + " folder's files sent with the campaign");
        }
        try {
            Path dir = Files.createTempDirectory("edgeperf-evaluation-");
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                String[] parts = f.getKey().split("/", -1);
                boolean ok = parts.length <= 2;
                for (String part : parts) {
                    ok &= !part.isEmpty() && !part.startsWith(".") && !part.contains("\\")
                            && Path.of(part).getFileName().toString().equals(part);
                }
                if (!ok) {
                    throw EdgeperfException.userError("evaluation file name '" + f.getKey().replaceAll("\\p{Cntrl}", "?")
                            + "' is not NAME or CLASS/NAME");
                }
                Path target = dir;
                for (String part : parts) {
                    target = target.resolve(part);
                }
                Files.createDirectories(target.getParent());
                Files.write(target, f.getValue());
            }
            return dir;
        } catch (IOException e) {
            throw EdgeperfException.external("cannot stage evaluation files: " + e.getMessage(), e);
        }
    }
}
