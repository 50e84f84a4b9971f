package dev.edgeperf.core.variants;

import static dev.edgeperf.core.variants.TransformTestSupport.RUNNER;
import static dev.edgeperf.core.variants.TransformTestSupport.fidelity;
import static dev.edgeperf.core.variants.TransformTestSupport.inputs;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * int8-static on an opset-9 model shaped like paddle2onnx's PP-LCNet blocks (conv → scalar Mul/Add →
 * four-op hard-swish → scalar Mul/Add → conv): the model is raised to opset 10, the Mul/Add behind the
 * conv are folded into it, hard-swish becomes x·HardSigmoid(x), the scalar Mul/Add in front of the next
 * conv go into its input quantizer, and what is left computes what the baseline does.
 */
class Opset9QuantizationTest {
    private static final String STATIC = "quantized:int8-static";

    /** input [N,3,16,16] → LCNet-style block → Slice (attribute form) → GlobalAveragePool → Gemm 10. */
    static ModelProto lcnetBlock() {
        TestModels.Builder b = new TestModels.Builder(3);
        b.init("c1.w", new long[] {16, 3, 3, 3}, 0.4f);
        b.init("c1.b", new long[] {16}, 0.1f);
        b.init("c2.w", new long[] {16, 16, 1, 1}, 0.3f);
        b.init("c2.b", new long[] {16}, 0.1f);
        b.init("fc.w", new long[] {10, 8}, 0.3f);
        b.init("fc.b", new long[] {10}, 0.1f);
        b.initValues("k.scale1", new long[] {1}, new float[] {1.3f});
        b.initValues("k.shift1", new long[] {1}, new float[] {-0.2f});
        b.initValues("k.scale2", new long[] {1}, new float[] {0.8f});
        b.initValues("k.shift2", new long[] {1}, new float[] {0.15f});
        b.initValues("k.three", new long[0], new float[] {3f});
        b.initValues("k.six", new long[0], new float[] {6f});
        b.node("Conv", "c1", List.of("input", "c1.w", "c1.b"), "c1.out", Graphs.intsAttribute("pads", List.of(1L, 1L, 1L, 1L)));
        b.node("Mul", "lab1.mul", List.of("k.scale1", "c1.out"), "lab1.m");
        b.node("Add", "lab1.add", List.of("lab1.m", "k.shift1"), "lab1.out");
        b.node("Add", "hs.add", List.of("lab1.out", "k.three"), "hs.a");
        b.node("Clip", "hs.clip", List.of("hs.a"), "hs.c", floatAttr("min", 0f), floatAttr("max", 6f));
        b.node("Mul", "hs.mul", List.of("lab1.out", "hs.c"), "hs.m");
        b.node("Div", "hs.div", List.of("hs.m", "k.six"), "hs.out");
        b.node("Mul", "lab2.mul", List.of("k.scale2", "hs.out"), "lab2.m");
        b.node("Add", "lab2.add", List.of("lab2.m", "k.shift2"), "lab2.out");
        b.node("Conv", "c2", List.of("lab2.out", "c2.w", "c2.b"), "c2.out");
        b.node("Relu", "r2", List.of("c2.out"), "r2.out");
        b.node("Slice", "half", List.of("r2.out"), "half.out", Graphs.intsAttribute("starts", List.of(0L)),
                Graphs.intsAttribute("ends", List.of(8L)), Graphs.intsAttribute("axes", List.of(1L)));
        b.node("GlobalAveragePool", "gap", List.of("half.out"), "gap.out");
        b.node("Flatten", "flat", List.of("gap.out"), "flat.out", Graphs.intAttribute("axis", 1));
        b.node("Gemm", "fc", List.of("flat.out", "fc.w", "fc.b"), "output", Graphs.intAttribute("transB", 1));
        return b.model("lcnet-block", new long[] {-1, 3, 16, 16}, new long[] {-1, 10}, 9);
    }

    private static AttributeProto floatAttr(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    private static List<String> ops(ModelProto m) {
        return m.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
    }

    @Test
    void opset9IsRaisedTo10AndRunsQLinearConvWithTheFp32OpsBetweenConvsGone() {
        ModelProto m = lcnetBlock();
        CalibrationData data = inputs(m, 8, 2);
        TransformResult r = VariantTransforms.apply(m, VariantRecipe.parse(STATIC), data, RUNNER);
        assertThat(r.noop()).as("no-op: %s", r.noopReason()).isFalse();
        assertThat(Graphs.opset(r.model())).isEqualTo(10);
        assertThat(r.notes()).anyMatch(n -> n.contains("opset 9 raised to 10") && n.contains("Slice=1"))
                .anyMatch(n -> n.startsWith("2 Mul/Add by a per-channel constant folded"))
                .anyMatch(n -> n.startsWith("1 hard-swish"))
                .anyMatch(n -> n.contains("2 scalar Mul/Add taken into the quantizers of 1 conv inputs"));
        // Left in fp32 between the convs: HardSigmoid and the Mul of x·HardSigmoid(x), nothing else.
        assertThat(ops(r.model())).contains("QLinearConv", "HardSigmoid").doesNotContain("Conv", "Div", "Clip");
        assertThat(ops(r.model()).stream().filter("Mul"::equals).count()).isEqualTo(2); // hard-swish + Gemm rescale
        Map<String, Integer> k = RUNNER.executedKernels(r.model(), data.iterator().next(), "lcnet int8-static");
        assertThat(k).containsEntry("QLinearConv", 2).doesNotContainKeys("Conv", "FusedConv", "Div", "Clip");
        assertThat(fidelity(m, r.model(), data).cosineSimilarity()).isGreaterThanOrEqualTo(0.99);
    }

    @Test
    void theFp32PreparationComputesWhatTheBaselineDoes() {
        ModelProto m = lcnetBlock();
        List<String> notes = new ArrayList<>();
        ModelProto prepared = ConvAffineFolder.prepare(m, notes);
        // 2 Mul/Add folded into c1, hard-swish's 4 ops now 2; the Mul/Add before c2 stay (only a quantizer takes them)
        assertThat(ops(prepared)).doesNotContain("Div", "Clip").hasSize(ops(m).size() - 4);
        Fidelity f = fidelity(m, prepared, inputs(m, 4, 2));
        assertThat(f.maxAbsError()).isLessThan(1e-4);
        assertThat(f.cosineSimilarity()).isGreaterThan(0.999999);
    }

    @Test
    void aDropoutWhoseMaskIsReadIsNotUpgradedAndSaysSo() {
        ModelProto m = lcnetBlock();
        NodeProto drop = Graphs.node("Dropout", "drop", List.of("output_pre"), List.of("output", "mask"));
        var g = m.getGraph().toBuilder();
        int fc = g.getNodeCount() - 1;
        g.setNode(fc, g.getNode(fc).toBuilder().setOutput(0, "output_pre")).addNode(drop)
                .addOutput(g.getOutput(0).toBuilder().setName("mask"));
        ModelProto withMask = m.toBuilder().setGraph(g).build();
        TransformResult r = VariantTransforms.apply(withMask, VariantRecipe.parse(STATIC), inputs(m, 4, 1), RUNNER);
        assertThat(r.noop()).isTrue();
        assertThat(r.noopReason()).contains("opset 9").contains("drop").contains("mask");
        assertThat(OpsetUpgrade.toOpset10(TestModels.atOpset(m, 8)).refusal()).contains("opset 8");
    }
}
