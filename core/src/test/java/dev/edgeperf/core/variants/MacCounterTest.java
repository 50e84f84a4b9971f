package dev.edgeperf.core.variants;

import static dev.edgeperf.core.variants.TransformTestSupport.RUNNER;
import static dev.edgeperf.core.variants.TransformTestSupport.inputs;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.edgeperf.core.cost.ModelProfiler;
import dev.edgeperf.core.cost.NodeCost;
import dev.edgeperf.core.cost.ProfileOptions;
import dev.edgeperf.core.onnx.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;

class MacCounterTest {
    /** [N,4] → MatMul with a 4×3 weight of which 6 of 12 values are zero → output [N,3]. */
    private static ModelProto halfZeroMatMul() {
        TestModels.Builder b = new TestModels.Builder(1);
        b.initValues("w", new long[] {4, 3}, new float[] {1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0});
        b.node("MatMul", "mm", List.of("input", "w"), "output");
        return b.model("mm", new long[] {-1, 4}, new long[] {-1, 3});
    }

    @Test
    void effectiveMacsCountOnlyNonZeroWeights() {
        MacCounter.Macs macs = MacCounter.count(halfZeroMatMul(), "mm");
        assertThat(macs.dense()).isEqualTo(12);
        assertThat(macs.effective()).isEqualTo(6);
    }

    @Test
    void zerosAreFoundBehindInt8DequantizeLinear() {
        ModelProto m = halfZeroMatMul();
        TransformResult q = VariantTransforms.apply(m, VariantRecipe.parse("quantized:int8-static"), inputs(m, 2, 1),
                RUNNER);
        assertThat(q.model().getGraph().getNodeList()).anyMatch(n -> n.getOpType().equals("DequantizeLinear"));
        MacCounter.Macs macs = MacCounter.count(q.model(), "mm-int8");
        assertThat(macs.dense()).isEqualTo(12);
        assertThat(macs.effective()).isEqualTo(6);
    }

    @Test
    void denseMacsAreTheProfilerTotalAndPruningShowsInEffectiveOnly() {
        ModelProto m = TestModels.smallCnn();
        long profiled = ModelProfiler.profile(m.toByteArray(), "small", ProfileOptions.batch(1)).totalMacs();
        MacCounter.Macs base = MacCounter.count(m, "small");
        assertThat(base.dense()).isEqualTo(profiled).isEqualTo(base.effective());
        ModelProto pruned = TransformTestSupport.apply(m, "pruned:unstructured:0.5").model();
        MacCounter.Macs p = MacCounter.count(pruned, "pruned");
        assertThat(p.dense()).isEqualTo(base.dense());
        // Recomputed by hand: each Conv/Gemm's MACs times the non-zero fraction of its own weight.
        var weights = Graphs.initializers(pruned.getGraph());
        double expected = 0;
        for (NodeCost c : ModelProfiler.profile(pruned.toByteArray(), "pruned", ProfileOptions.batch(1)).nodes()) {
            NodeProto n = TestModels.nodeNamed(pruned, c.name());
            double fraction = 1;
            if (n.getOpType().equals("Conv") || n.getOpType().equals("Gemm")) {
                float[] w = Tensors.floats(weights.get(n.getInput(1)));
                long nz = 0;
                for (float v : w) {
                    nz += v != 0 ? 1 : 0;
                }
                fraction = (double) nz / w.length;
            }
            expected += c.macs() * fraction;
        }
        assertThat(p.effective()).isEqualTo(Math.round(expected)).isLessThan(base.dense());
        ModelProto fp16 = TransformTestSupport.apply(pruned, "quantized:fp16").model();
        assertThat(MacCounter.count(fp16, "pruned-fp16").effective()).isEqualTo(p.effective());
    }
}
