package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.io.AtomicFiles;
import dev.edgeperf.core.io.Digests;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.GZIPOutputStream;

/**
 * Builds variant files: for each recipe, transforms the baseline, writes
 * {@code <model>.<recipe-with-colons-as-dashes>.onnx} atomically (temp file + rename, so a failure
 * leaves nothing half-written), runs baseline and variant over the calibration inputs to measure
 * fidelity, and asks ONNX Runtime's profiler which kernels the variant really executes.
 *
 * <p>A recipe that changed nothing is still written, its record marked as a no-op with the reason
 * ({@link VariantRecord#noop()}), so nobody measures it as if it were the recipe.
 *
 * <p>A variant whose outputs on the calibration inputs hold inf/NaN (where the baseline's are finite) or
 * whose fidelity collapsed on any output ({@link FidelityGate}) fails its recipe before anything is written.
 */
public final class VariantBuilder {
    private final OrtRunner runner;

    public VariantBuilder(OrtRunner runner) {
        this.runner = Objects.requireNonNull(runner, "runner is null");
    }

    /**
     * @param baseline    the baseline model
     * @param modelName   used in file names and records (zoo name or file stem)
     * @param recipes     recipes to build, in order
     * @param calibration inputs for calibration and fidelity; at least one batch
     * @param outDir      created when missing
     * @return one record per recipe, in order
     * @throws EdgeperfException USER_ERROR for a recipe that cannot apply, a variant with inf/NaN outputs or
     *         collapsed fidelity, or inputs that do not fit the model; EXTERNAL when the directory cannot be written
     */
    public List<VariantRecord> build(ModelProto baseline, String modelName, List<VariantRecipe> recipes,
            CalibrationData calibration, Path outDir) {
        Baseline base = baseline(baseline, modelName, calibration);
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw EdgeperfException.external("cannot create output directory " + outDir + ": " + e.getMessage(), e);
        }
        List<VariantRecord> records = new ArrayList<>();
        for (VariantRecipe recipe : recipes) {
            Built built = variant(base, recipe);
            writeAtomically(outDir.resolve(built.record().file()), built.bytes());
            records.add(built.record());
        }
        return records;
    }

    /**
     * Runs the baseline once over the calibration inputs: what {@link #variant} checks every variant against.
     *
     * @throws EdgeperfException USER_ERROR when there is no calibration batch or the inputs do not fit the model
     */
    public Baseline baseline(ModelProto baseline, String modelName, CalibrationData calibration) {
        Objects.requireNonNull(baseline, "baseline is null");
        Objects.requireNonNull(calibration, "calibration is null");
        if (!calibration.iterator().hasNext()) {
            throw EdgeperfException.userError("no calibration inputs for " + modelName + "; expected at least one batch");
        }
        List<int[]> labels = new ArrayList<>();
        InputBatch first = null;
        for (InputBatch b : calibration) {
            first = first == null ? b : first;
            labels.add(b.labels());
        }
        List<String> checked = VariantCheck.checkedOutputs(baseline);
        List<List<OutputTensor>> outputs = runner.runTensors(baseline, calibration, checked, "baseline " + modelName
                + " (does the calibration input shape " + java.util.Arrays.toString(first.shape()) + " fit?)");
        return new Baseline(baseline, modelName, calibration, checked, outputs, labels, first);
    }

    /**
     * One variant, transformed from {@code base}, checked ({@link VariantCheck}) and measured, not written: the
     * one pipeline behind {@code variants build} and campaign preparation, so the same baseline, recipe and
     * calibration give the same bytes.
     *
     * @throws EdgeperfException USER_ERROR for a recipe that cannot apply, a variant with inf/NaN outputs or
     *         collapsed fidelity
     */
    public Built variant(Baseline base, VariantRecipe recipe) {
        TransformResult r = VariantTransforms.apply(base.model(), recipe, base.calibration(), runner);
        byte[] bytes = r.model().toByteArray();
        String what = base.modelName() + " variant " + recipe.text();
        List<List<OutputTensor>> out = runner.runTensors(r.model(), base.calibration(), base.checked, what);
        Fidelity fidelity = VariantCheck.check(what, FidelityGate.tier(recipe), base.outputs, out, base.labels);
        Map<String, Integer> kernels = runner.executedKernels(r.model(), base.first, what);
        String file = base.modelName() + "." + recipe.fileSuffix() + ".onnx";
        long[] params = NonZeroCounter.count(r.model(), what);
        List<String> notes = new ArrayList<>(r.notes());
        MacCounter.Macs macs = null;
        try {
            macs = MacCounter.count(r.model(), what, base.first);
        } catch (EdgeperfException e) {
            notes.add("MACs not counted: " + e.getMessage());
        }
        return new Built(bytes, new VariantRecord(base.modelName(), recipe.text(), file, Digests.sha256Hex(bytes),
                params[0], params[1], bytes.length, gzipSize(bytes), fidelity, kernels, notes,
                macs == null ? null : macs.dense(), macs == null ? null : macs.effective(), r.noopReason()));
    }

    /** A built variant: its ONNX bytes and its record ({@code record.sha256()} is the bytes' digest). */
    public record Built(byte[] bytes, VariantRecord record) {
        public Built {
            Objects.requireNonNull(bytes, "bytes is null");
            Objects.requireNonNull(record, "record is null");
        }
    }

    /** The baseline and its outputs on the calibration inputs (see {@link #baseline}). */
    public static final class Baseline {
        private final ModelProto model;
        private final String modelName;
        private final CalibrationData calibration;
        private final List<String> checked;
        private final List<List<OutputTensor>> outputs;
        private final List<int[]> labels;
        private final InputBatch first;

        private Baseline(ModelProto model, String modelName, CalibrationData calibration, List<String> checked,
                List<List<OutputTensor>> outputs, List<int[]> labels, InputBatch first) {
            this.model = model;
            this.modelName = modelName;
            this.calibration = calibration;
            this.checked = checked;
            this.outputs = outputs;
            this.labels = labels;
            this.first = first;
        }

        public ModelProto model() {
            return model;
        }

        public String modelName() {
            return modelName;
        }

        public CalibrationData calibration() {
            return calibration;
        }

        /**
         * A one-line warning when the baseline's first output is degenerate on the calibration inputs (all zero,
         * or the same for every sample), where fidelity compares nothing that depends on the input; empty otherwise.
         */
        public java.util.Optional<String> degenerateWarning() {
            return Degenerate.warning(modelName, outputs.get(0));
        }
    }

    /**
     * The check {@link #build} applies to every variant, for callers that transform on their own (e.g. a
     * campaign preparing variants): runs both models over {@code calibration} and fails when the variant's
     * outputs hold inf/NaN where the baseline's are finite or the fidelity of any of them collapsed.
     *
     * @param what e.g. {@code "mnist-cnn variant quantized:fp16"}, the start of the error message
     * @param tier the thresholds that apply ({@link FidelityGate#tier} of the recipe)
     * @return the fidelity of the first output
     * @throws EdgeperfException USER_ERROR with a one-line reason
     */
    public Fidelity check(ModelProto baseline, ModelProto variant, CalibrationData calibration, String what,
            FidelityGate.Tier tier) {
        List<String> checked = VariantCheck.checkedOutputs(baseline);
        List<int[]> labels = new ArrayList<>();
        calibration.forEach(b -> labels.add(b.labels()));
        List<List<OutputTensor>> base = runner.runTensors(baseline, calibration, checked, "baseline of " + what);
        List<List<OutputTensor>> out = runner.runTensors(variant, calibration, checked, what);
        return VariantCheck.check(what, tier, base, out, labels);
    }

    static void writeAtomically(Path target, byte[] bytes) {
        try {
            AtomicFiles.write(target, bytes);
        } catch (IOException e) {
            throw EdgeperfException.external("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Bytes of {@code bytes} gzipped (default level): what a file costs to ship compressed. */
    public static long gzipSize(byte[] bytes) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(buf)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw EdgeperfException.internal("gzip into memory failed", e);
        }
        return buf.size();
    }
}
