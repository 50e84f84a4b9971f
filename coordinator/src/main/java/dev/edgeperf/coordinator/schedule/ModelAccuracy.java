package dev.edgeperf.coordinator.schedule;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.coordinator.store.VariantEvaluation;
import dev.edgeperf.core.calibration.CalibrationSource;
import dev.edgeperf.core.calibration.EvaluationData;
import dev.edgeperf.core.io.Digests;
import dev.edgeperf.core.onnx.ModelInputs;
import dev.edgeperf.core.onnx.OnnxModels;
import dev.edgeperf.core.variants.Fidelity;
import dev.edgeperf.core.variants.ModelEvaluator;
import dev.edgeperf.core.variants.OrtRunner;
import java.nio.file.Path;
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
        String key = Digests.sha256Hex(baseline) + "\n" + inputs.describe() + "\n" + evaluation.source() + "\n"
                + evaluation.preprocess() + "\n" + ModelBuilder.filesKey(evaluation.files());
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
            try (StagedFolder staged = StagedFolder.of(evaluation.files(), source, "evaluation")) {
                data = EvaluationData.load(staged.source(source), datasets, model, modelName, MAX_SAMPLES, inputs);
            }
        }
        cached = evaluator.reference(model, modelName, data.batches(), data.classes(), source.text());
        cachedLabel = data.label();
        cachedKey = key;
        return cached;
    }
}
