package dev.edgeperf.coordinator.schedule;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.onnx.ModelInputs;
import dev.edgeperf.core.onnx.OnnxModels;
import dev.edgeperf.core.variants.CalibrationData;
import dev.edgeperf.core.variants.OrtRunner;
import dev.edgeperf.core.variants.VariantRecipe;
import dev.edgeperf.core.variants.VariantTransforms;

/** Builds variant ONNX files from a baseline with core's transforms. */
final class ModelBuilder {
    /** Calibration batches for int8-static: random inputs, as the coordinator has no data set of the user's. */
    private static final int CALIBRATION_BATCH = 8;

    private ModelBuilder() {
    }

    /**
     * @param inputs the input sizes given for the model: calibration inputs take them (an open leading
     *               dimension nothing sets is {@value #CALIBRATION_BATCH}; any other open one is an error)
     * @return the variant's ONNX bytes ({@code baseline} unchanged for the baseline recipe)
     * @throws EdgeperfException USER_ERROR when the recipe cannot be applied to this model
     */
    static byte[] variant(byte[] baseline, String modelName, String recipeText, ModelInputs inputs) {
        VariantRecipe recipe = VariantRecipe.parse(recipeText);
        if (recipe.kind() == VariantRecipe.Kind.BASELINE) {
            return baseline;
        }
        ModelProto model = OnnxModels.parse(baseline, modelName);
        CalibrationData calibration = null;
        if (recipe.kind() == VariantRecipe.Kind.QUANTIZED_INT8_STATIC) {
            calibration = CalibrationData.random(model, CALIBRATION_BATCH, inputs.shapes(), inputs.dims(), 0, 2, 11);
        }
        return VariantTransforms.apply(model, recipe, calibration, new OrtRunner(1)).model().toByteArray();
    }
}
