package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.List;

/** Runs a baseline and a variant over the same random inputs. */
final class TransformTestSupport {
    static final OrtRunner RUNNER = new OrtRunner(1);

    private TransformTestSupport() {
    }

    static CalibrationData inputs(ModelProto m, int batch, int batches) {
        return CalibrationData.random(TestModels.inputShape(m, batch), batches, 42);
    }

    static Fidelity fidelity(ModelProto baseline, ModelProto variant, CalibrationData data) {
        List<float[]> a = RUNNER.run(baseline, data, "baseline");
        List<float[]> b = RUNNER.run(variant, data, "variant");
        List<Integer> rows = new java.util.ArrayList<>();
        data.forEach(x -> rows.add((int) x.shape()[0]));
        return Fidelity.compare(a, b, rows, null);
    }

    static TransformResult apply(ModelProto m, String recipe) {
        return VariantTransforms.apply(m, VariantRecipe.parse(recipe), inputs(m, 4, 4), RUNNER);
    }
}
