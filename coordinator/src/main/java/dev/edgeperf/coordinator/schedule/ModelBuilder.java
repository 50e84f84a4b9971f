package dev.edgeperf.coordinator.schedule;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.agreement.ReferenceSet;
import dev.edgeperf.core.calibration.CalibrationInputs;
import dev.edgeperf.core.calibration.CalibrationSource;
import dev.edgeperf.core.io.Digests;
import dev.edgeperf.core.onnx.ModelInputs;
import dev.edgeperf.core.onnx.OnnxModels;
import dev.edgeperf.core.data.DatasetLocator;
import dev.edgeperf.core.data.Datasets;
import dev.edgeperf.core.data.LabeledImages;
import dev.edgeperf.core.data.Split;
import dev.edgeperf.core.variants.DistillRecipe;
import dev.edgeperf.core.variants.DistilledVariant;
import dev.edgeperf.core.variants.InputBatch;
import dev.edgeperf.core.variants.OrtRunner;
import dev.edgeperf.core.variants.VariantBuilder;
import dev.edgeperf.core.variants.VariantRecipe;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Campaign preparation's variant builds: a thin call into core's one pipeline ({@link CalibrationInputs} then
 * {@link VariantBuilder#variant}), the same as {@code variants build}, so the same model, recipe and
 * calibration give the same bytes and digest. Every variant is checked against the baseline on the
 * calibration data. The baseline and its loaded calibration are kept for the next recipe of the same model.
 */
final class ModelBuilder implements VariantPreparation.CalibratedBuilder {
    /** Calibration batches, as {@code variants build}'s default. */
    static final int CALIBRATION_BATCHES = 4;
    /** Evaluation images from a dataset (kept small: a campaign measures speed, fidelity is a check). */
    static final int EVAL_IMAGES = 500;
    /** ORT threads for calibration and checks. */
    private static final int THREADS = 2;

    private final Path datasets;
    private final VariantBuilder builder = new VariantBuilder(new OrtRunner(THREADS));
    private String cachedKey;
    private Loaded cached;

    /** @param datasets datasets folder for mnist/fashion-mnist, or null for the coordinator's default */
    ModelBuilder(Path datasets) {
        this.datasets = datasets;
    }

    private record Loaded(CalibrationInputs inputs, VariantBuilder.Baseline baseline) {
    }

    @Override
    public synchronized void release() {
        cached = null;
        cachedKey = null;
    }

    /**
     * Random calibration (the default seed): what campaigns without calibration get.
     *
     * @param inputs the input sizes given for the model: calibration inputs take them
     * @return the variant's ONNX bytes ({@code baseline} unchanged for the baseline recipe)
     * @throws EdgeperfException USER_ERROR when the recipe cannot be applied or breaks the model
     */
    static byte[] variant(byte[] baseline, String modelName, String recipeText, ModelInputs inputs) {
        return new ModelBuilder(null).build(baseline, modelName, recipeText, inputs, ModelCalibration.RANDOM)
                .onnx();
    }

    /**
     * @param inputs      input sizes ({@code --input}/{@code --dim}) for the calibration inputs
     * @param calibration where the calibration data comes from
     * @throws EdgeperfException USER_ERROR when the recipe cannot be applied, breaks the model, or the calibration
     *         data does not fit it
     */
    @Override
    public synchronized BuiltVariant build(byte[] baseline, String modelName, String recipeText, ModelInputs inputs,
            ModelCalibration calibration) {
        return build(baseline, modelName, recipeText, inputs, calibration, null);
    }

    /**
     * A {@code distilled:} recipe trains its student on {@code training} through core's one path
     * ({@link DistilledVariant}), as {@code variants build} does, so the same teacher, recipe and train images give
     * the same bytes; the student is measured on the model's calibration data. Its fidelity to the teacher is not
     * gated: a student is a new network, not a transform of the teacher's weights.
     */
    @Override
    public synchronized BuiltVariant build(byte[] baseline, String modelName, String recipeText, ModelInputs inputs,
            ModelCalibration calibration, TrainingData training) {
        if (training != null && DistillRecipe.matches(recipeText)) {
            Loaded loaded = load(baseline, modelName, inputs, calibration);
            DistilledVariant.Result r = DistilledVariant.build(builder, baseline, modelName,
                    DistillRecipe.parse(recipeText), trainSplit(training), loaded.inputs().calibration(),
                    (what, stats) -> { });
            return new BuiltVariant(r.bytes(), loaded.inputs().label(), null,
                    loaded.baseline().degenerateWarning().stream().toList());
        }
        Objects.requireNonNull(inputs, "inputs is null");
        Objects.requireNonNull(calibration, "calibration is null");
        VariantRecipe recipe = VariantRecipe.parse(recipeText);
        Loaded loaded;
        try {
            loaded = load(baseline, modelName, inputs, calibration);
        } catch (EdgeperfException e) {
            // The baseline is measured as uploaded; only data the user asked for must fit it.
            if (recipe.kind() == VariantRecipe.Kind.BASELINE && calibration.equals(ModelCalibration.RANDOM)
                    && e.category() == dev.edgeperf.core.ErrorCategory.USER_ERROR) {
                return new BuiltVariant(baseline, "", null, List.of());
            }
            throw e;
        }
        List<String> warnings = loaded.baseline().degenerateWarning().stream().toList();
        if (recipe.kind() == VariantRecipe.Kind.BASELINE) {
            return new BuiltVariant(baseline, loaded.inputs().label(), null, warnings);
        }
        VariantBuilder.Built built = builder.variant(loaded.baseline(), recipe);
        return new BuiltVariant(built.bytes(), loaded.inputs().label(), built.record().fidelity(), warnings);
    }

    /**
     * The label {@link #build} gives the model's variants, from the same loader, without running the model: the
     * label of an uploaded baseline measured as stored.
     */
    @Override
    public String label(ModelProto graph, String modelName, ModelInputs inputs, ModelCalibration calibration) {
        try {
            return calibrationInputs(graph, modelName, inputs, calibration).label();
        } catch (EdgeperfException e) {
            // as build(): the baseline is measured as uploaded; only data the user asked for must fit it
            if (calibration.equals(ModelCalibration.RANDOM) && e.category() == dev.edgeperf.core.ErrorCategory.USER_ERROR) {
                return "";
            }
            throw e;
        }
    }

    /** The first {@code count} calibration samples at batch 1; none for random calibration. */
    @Override
    public synchronized List<InputBatch> referenceInputs(byte[] baseline, String modelName, ModelInputs inputs,
            ModelCalibration calibration, int count) {
        if (calibration.parse().kind() == CalibrationSource.Kind.RANDOM) {
            return List.of();
        }
        return ReferenceSet.batchOne(load(baseline, modelName, inputs, calibration).inputs().calibration(), count);
    }

    /** The train split as {@code variants build --calibration SRC --train-images N} reads it. */
    private LabeledImages trainSplit(TrainingData training) {
        Path dir = datasets != null ? datasets : DatasetLocator.system().require();
        LabeledImages train = Datasets.load(training.parse().dataset(), dir, Split.TRAIN);
        int n = training.trainImages();
        return n > 0 && n < train.count() ? train.first(n) : train;
    }

    private Loaded load(byte[] baseline, String modelName, ModelInputs inputs, ModelCalibration calibration) {
        String key = Digests.sha256Hex(baseline) + "\n" + modelName + "\n" + inputs.describe() + "\n" + calibration.source()
                + "\n" + calibration.preprocess() + "\n" + filesKey(calibration.files());
        if (key.equals(cachedKey)) {
            return cached;
        }
        cached = null;
        cachedKey = null;
        ModelProto model = OnnxModels.parse(baseline, modelName);
        CalibrationInputs loaded = calibrationInputs(model, modelName, inputs, calibration);
        cached = new Loaded(loaded, builder.baseline(model, modelName, loaded.calibration()));
        cachedKey = key;
        return cached;
    }

    private CalibrationInputs calibrationInputs(ModelProto model, String modelName, ModelInputs inputs,
            ModelCalibration calibration) {
        CalibrationSource source = calibration.parse();
        if (source.folder() == null) {
            return CalibrationInputs.load(source, datasets, model, modelName, CALIBRATION_BATCHES, EVAL_IMAGES, inputs, 0);
        }
        try (StagedFolder staged = StagedFolder.of(calibration.files(), source, "calibration")) {
            return CalibrationInputs.load(staged.source(source), datasets, model, modelName, CALIBRATION_BATCHES,
                    EVAL_IMAGES, inputs, 0);
        }
    }

    static String filesKey(Map<String, byte[]> files) {
        StringBuilder s = new StringBuilder();
        files.forEach((name, bytes) -> s.append(name).append('=').append(Digests.sha256Hex(bytes)).append(';'));
        return s.toString();
    }
}
