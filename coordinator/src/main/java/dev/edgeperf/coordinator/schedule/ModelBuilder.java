package dev.edgeperf.coordinator.schedule;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.onnx.OnnxModels;
import dev.edgeperf.core.variants.CalibrationData;
import dev.edgeperf.core.variants.OrtRunner;
import dev.edgeperf.core.variants.VariantRecipe;
import dev.edgeperf.core.variants.VariantTransforms;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Builds variant ONNX files from a baseline with core's transforms. */
final class ModelBuilder {
    /** Calibration batches for int8-static: random inputs, as the coordinator has no data set of the user's. */
    private static final int CALIBRATION_BATCH = 8;

    private ModelBuilder() {
    }

    /**
     * @return the variant's ONNX bytes ({@code baseline} unchanged for the baseline recipe)
     * @throws EdgeperfException USER_ERROR when the recipe cannot be applied to this model
     */
    static byte[] variant(byte[] baseline, String modelName, String recipeText) {
        VariantRecipe recipe = VariantRecipe.parse(recipeText);
        if (recipe.kind() == VariantRecipe.Kind.BASELINE) {
            return baseline;
        }
        ModelProto model = OnnxModels.parse(baseline, modelName);
        CalibrationData calibration = null;
        if (recipe.kind() == VariantRecipe.Kind.QUANTIZED_INT8_STATIC) {
            long[] sample = sampleShape(model, modelName);
            long[] shape = new long[sample.length + 1];
            shape[0] = CALIBRATION_BATCH;
            System.arraycopy(sample, 0, shape, 1, sample.length);
            calibration = CalibrationData.random(shape, 2, 11);
        }
        return VariantTransforms.apply(model, recipe, calibration, new OrtRunner(1)).model().toByteArray();
    }

    /** Per-sample shape (without the batch dimension) of the model's first non-initializer input. */
    static long[] sampleShape(ModelProto m, String modelName) {
        Set<String> initializers = new HashSet<>();
        m.getGraph().getInitializerList().forEach(t -> initializers.add(t.getName()));
        ValueInfoProto input = m.getGraph().getInputList().stream().filter(v -> !initializers.contains(v.getName()))
                .findFirst().orElseThrow(() -> EdgeperfException.userError("model " + modelName + " has no input"));
        List<TensorShapeProto.Dimension> dims = input.getType().getTensorType().getShape().getDimList();
        long[] s = new long[Math.max(0, dims.size() - 1)];
        for (int i = 1; i < dims.size(); i++) {
            if (!dims.get(i).hasDimValue()) {
                throw EdgeperfException.userError("model " + modelName + " input '" + input.getName()
                        + "' dimension " + i + " is symbolic; int8-static calibration needs fixed non-batch dimensions");
            }
            s[i - 1] = dims.get(i).getDimValue();
        }
        return s;
    }
}
