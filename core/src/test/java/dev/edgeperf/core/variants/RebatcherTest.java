package dev.edgeperf.core.variants;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.edgeperf.core.onnx.ModelInputs;
import dev.edgeperf.core.onnx.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which fixed-batch graphs are rebatched, checked by ONNX Runtime at batch 2, and why the others are not. */
class RebatcherTest {
    @Test
    void aMatMulModelWithLeadingOnesIsRebatchedAndRunsAtBatchFour() {
        ModelProto fixed = model(List.of(matMul("x", "h"), node("Relu", "relu", List.of("h"), "y")),
                float4("x", 1, 4), float4("y", 1, 3), float4("h", 1, 3));

        Rebatcher.Outcome out = Rebatcher.rebatch(fixed, ModelInputs.none());

        assertThat(out.reason()).isNull();
        assertThat(out.inputs()).containsExactly("x");
        GraphProto g = out.model().getGraph();
        assertThat(g.getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam()).isEqualTo("batch");
        assertThat(g.getOutput(0).getType().getTensorType().getShape().getDim(0).getDimParam()).isEqualTo("batch");
        assertThat(g.getValueInfo(0).getType().getTensorType().getShape().getDim(0).getDimParam()).isEqualTo("batch");
        // the original refuses batch 4; the rebatched file runs it
        assertThat(new OrtRunner(1).run(out.model(), CalibrationData.random(out.model(), 4, 1, 1, 7), "rebatched")
                .get(0)).hasSize(12);
    }

    @Test
    void aReshapeToAConstantLeadingOneIsRefusedWithTheNode() {
        ModelProto pinned = reshape(1);

        Rebatcher.Outcome out = Rebatcher.rebatch(pinned, ModelInputs.none());

        assertThat(out.rebatched()).isFalse();
        assertThat(out.reason()).isEqualTo("node 'reshape' (Reshape) has a constant shape leading with 1");
    }

    @Test
    void aReshapeThatCopiesOrInfersTheLeadingDimensionIsRebatched() {
        for (long first : new long[] {0, -1}) {
            ModelProto kept = reshape(first);
            assertThat(Rebatcher.rebatch(kept, ModelInputs.none()).reason()).as("first %d", first).isNull();
        }
    }

    @Test
    void anOpThatMixesTheBatchIsCaughtByTheBatchTwoCheck() {
        ModelProto mixing = model(List.of(node("Softmax", "softmax", List.of("x"), "y",
                AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(0).build())),
                float4("x", 1, 4), float4("y", 1, 4));

        Rebatcher.Outcome out = Rebatcher.rebatch(mixing, ModelInputs.none());

        assertThat(out.rebatched()).isFalse();
        assertThat(out.reason()).startsWith("at batch 2 item 0 of output 'y' differs from the batch-1 output");
    }

    @Test
    void anOutputThatDoesNotLeadWithOneIsRefused() {
        ModelProto m = model(List.of(node("Relu", "relu", List.of("x"), "y")), float4("x", 1, 4), float4("y", 4));

        assertThat(Rebatcher.rebatch(m, ModelInputs.none()).reason()).isEqualTo("output 'y' does not lead with 1 (4)");
    }

    @Test
    void theBatchTwoCheckFeedsAnIntegerInputItsGivenValue() {
        // y = sr == 16000 ? x : ReduceSum(x over the batch): batch-safe only on the path the given value takes
        ModelProto m = model(List.of(node("Equal", "eq", List.of("sr", "k"), "c"),
                node("ReduceSum", "sum", List.of("x", "axes"), "s"), node("Where", "where", List.of("c", "x", "s"), "y")),
                float4("x", 1, 4), float4("y", 1, 4));
        m = m.toBuilder().setGraph(m.getGraph().toBuilder()
                .addInput(ValueInfoProto.newBuilder().setName("sr").setType(TypeProto.newBuilder().setTensorType(
                        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.INT64_VALUE)
                                .setShape(TensorShapeProto.newBuilder()))))
                .addInitializer(Tensors.int64Tensor("k", new long[0], 16000))
                .addInitializer(Tensors.int64Tensor("axes", new long[] {1}, 0))).build();
        ModelInputs sr = ModelInputs.none().withValues(java.util.Map.of("sr", new long[] {16000}));

        assertThat(Rebatcher.rebatch(m, sr).reason()).isNull();
        // random data (sr sized as a scalar, no value) takes the batch-mixing path, which the check refuses
        ModelInputs scalar = new ModelInputs(java.util.Map.of("sr", new long[0]), java.util.Map.of(), java.util.Map.of());
        assertThat(Rebatcher.rebatch(m, scalar).reason())
                .startsWith("at batch 2 item 0 of output 'y' differs from the batch-1 output");
    }

    /** x [1, 4] reshaped to y [1, 2, 2] by the constant shape [first, 2, 2]. */
    private static ModelProto reshape(long first) {
        ModelProto m = model(List.of(node("Reshape", "reshape", List.of("x", "shape"), "y")), float4("x", 1, 4),
                float4("y", 1, 2, 2));
        return m.toBuilder().setGraph(m.getGraph().toBuilder().addInitializer(
                Tensors.int64Tensor("shape", new long[] {3}, first, 2, 2))).build();
    }

    private static NodeProto matMul(String in, String out) {
        return node("MatMul", "matmul", List.of(in, "w"), out);
    }

    private static NodeProto node(String op, String name, List<String> inputs, String output, AttributeProto... attrs) {
        return NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addOutput(output)
                .addAllAttribute(List.of(attrs)).build();
    }

    /** x and y as given, h (when given) as value_info; initializer w [4, 3]. */
    private static ModelProto model(List<NodeProto> nodes, ValueInfoProto x, ValueInfoProto y, ValueInfoProto... info) {
        float[] w = new float[12];
        for (int i = 0; i < w.length; i++) {
            w[i] = (i % 5 - 2) * 0.25f;
        }
        GraphProto.Builder g = GraphProto.newBuilder().setName("fixed").addAllNode(nodes).addInput(x).addOutput(y)
                .addAllValueInfo(List.of(info)).addInitializer(Tensors.floatTensor("w", new long[] {4, 3}, w));
        return ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g).build();
    }

    private static ValueInfoProto float4(String name, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }
}
