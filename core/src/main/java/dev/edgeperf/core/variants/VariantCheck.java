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
 * inf/NaN where the baseline's are finite, and no output's fidelity to the baseline has collapsed
 * ({@link FidelityGate}). A variant that fails is a failed build with a one-line reason, never a
 * result that would be measured as if it worked.
 */
final class VariantCheck {
    private VariantCheck() {
    }

    /**
     * The graph outputs the check reads: every output declared float, and the first output (whose fidelity
     * records show) in any case.
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
     * Checks every compared output and measures fidelity.
     *
     * @param what     e.g. {@code "mnist-cnn variant quantized:fp16"}
     * @param tier     which thresholds apply ({@link FidelityGate#tier})
     * @param baseline per checked output name (same order as {@code variant}), the baseline's batches
     * @param variant  the variant's batches for the same outputs
     * @param labels   per batch the class labels of the first output (null or empty arrays when unknown)
     * @return the fidelity of the first output, the one records show
     * @throws EdgeperfException USER_ERROR naming the recipe, the output and the figures that failed
     */
    static Fidelity check(String what, FidelityGate.Tier tier, List<List<OutputTensor>> baseline,
            List<List<OutputTensor>> variant, List<int[]> labels) {
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
        Fidelity first = null;
        for (int o = 0; o < variant.size(); o++) {
            // every output is judged: a model's second output (a detector's boxes, an RNN's state) can break alone
            Fidelity f = Fidelity.compare(baseline.get(o), variant.get(o), o == 0 ? labels : null);
            first = first == null ? f : first;
            String name = variant.get(o).isEmpty() ? "?" : variant.get(o).get(0).name();
            FidelityGate.failure(what, tier, name, f).ifPresent(reason -> {
                throw EdgeperfException.userError(reason);
            });
        }
        return first;
    }
}
