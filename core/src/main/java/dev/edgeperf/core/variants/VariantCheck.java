package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.edgeperf.core.EdgeperfException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The gate every built variant passes before it is written: its outputs on the calibration inputs hold no
 * inf/NaN where the baseline's are finite, and its fidelity to the baseline has not collapsed
 * ({@link Fidelity#collapsed()}). A variant that fails is a failed build with a one-line reason, never a
 * result that would be measured as if it worked.
 */
final class VariantCheck {
    private VariantCheck() {
    }

    /**
     * The graph outputs the inf/NaN check reads: every output declared float, and the first output (which
     * fidelity compares) in any case.
     */
    static List<String> checkedOutputs(ModelProto model) {
        List<String> names = new ArrayList<>();
        List<ValueInfoProto> outs = model.getGraph().getOutputList();
        for (int i = 0; i < outs.size(); i++) {
            ValueInfoProto v = outs.get(i);
            if (i == 0 || v.getType().getTensorType().getElemType() == TensorProto.DataType.FLOAT_VALUE) {
                names.add(v.getName());
            }
        }
        return names;
    }

    /**
     * @param what      e.g. {@code "mnist-cnn variant quantized:fp16"}
     * @param baseline  per checked output name (same order as {@code variant}), the baseline's batches
     * @param variant   the variant's batches for the same outputs
     * @param fidelity  fidelity of the first output
     * @throws EdgeperfException USER_ERROR naming the recipe, the output and the figures that failed
     */
    static void check(String what, List<List<OutputTensor>> baseline, List<List<OutputTensor>> variant,
            Fidelity fidelity) {
        for (int o = 0; o < variant.size(); o++) {
            long bad = 0;
            long total = 0;
            long nan = 0;
            String name = null;
            for (int b = 0; b < variant.get(o).size(); b++) {
                float[] y = variant.get(o).get(b).values();
                float[] x = baseline.get(o).get(b).values();
                name = variant.get(o).get(b).name();
                for (int i = 0; i < y.length; i++) {
                    // Where the baseline itself is inf/NaN the variant only repeats it; that is the model's doing.
                    if (!Float.isFinite(y[i]) && (i >= x.length || Float.isFinite(x[i]))) {
                        bad++;
                        nan += Float.isNaN(y[i]) ? 1 : 0;
                    }
                }
                total += y.length;
            }
            if (bad > 0) {
                throw EdgeperfException.userError(String.format(Locale.ROOT, "%s failed: output '%s' has %,d of %,d"
                        + " values %s on the calibration inputs where the baseline's are finite", what, name, bad,
                        total, nan == bad ? "NaN" : nan == 0 ? "infinite" : "inf/NaN"));
            }
        }
        if (fidelity.collapsed()) {
            throw EdgeperfException.userError(String.format(Locale.ROOT, "%s failed: fidelity to the baseline collapsed"
                    + " on %d calibration samples (%s; a working variant keeps cosine >= %.2f)", what,
                    fidelity.samples(), fidelity.summary(), Fidelity.COLLAPSED_BELOW_COSINE));
        }
    }
}
