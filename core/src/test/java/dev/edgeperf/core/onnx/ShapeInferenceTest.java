package dev.edgeperf.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShapeInferenceTest {
    private static ValueInfoProto input(String name, String batch, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(batch));
        for (long d : dims) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))).build();
    }

    private static NodeProto node(String op, String[] in, String... out) {
        return NodeProto.newBuilder().setOpType(op).addAllInput(java.util.List.of(in))
                .addAllOutput(java.util.List.of(out)).build();
    }

    private static InferredShapes infer(GraphProto.Builder g, long batch) {
        ModelProto m = ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).setGraph(g).build();
        return ShapeInference.infer(OnnxGraph.of(m, "t.onnx"), batch, Map.of(), false);
    }

    @Test
    void pytorchStyleDynamicReshapeResolves() {
        // Shape(x)[0] -> Unsqueeze -> Concat with [-1] -> Reshape: the flatten PyTorch exports.
        GraphProto.Builder g = GraphProto.newBuilder().addInput(input("x", "N", 3, 4, 4))
                .addInitializer(Tensors.int64Tensor("zero", new long[0], 0))
                .addInitializer(Tensors.int64Tensor("axes", new long[] {1}, 0))
                .addInitializer(Tensors.int64Tensor("minus1", new long[] {1}, -1))
                .addNode(node("Shape", new String[] {"x"}, "s"))
                .addNode(node("Gather", new String[] {"s", "zero"}, "n"))
                .addNode(node("Unsqueeze", new String[] {"n", "axes"}, "n1"))
                .addNode(node("Concat", new String[] {"n1", "minus1"}, "target").toBuilder()
                        .addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("axis").setI(0)).build())
                .addNode(node("Reshape", new String[] {"x", "target"}, "y"))
                .addOutput(ValueInfoProto.newBuilder().setName("y"));
        InferredShapes shapes = infer(g, 6);
        assertThat(shapes.get("s").intValue()).containsExactly(6, 3, 4, 4);
        assertThat(shapes.get("target").intValue()).containsExactly(6, -1);
        assertThat(shapes.get("y").shape()).containsExactly(6, 48);
        assertThat(shapes.unknown()).isEmpty();
        assertThat(shapes.inputShapes().get("x")).containsExactly(6, 3, 4, 4);
    }

    @Test
    void sliceSqueezeAndResizeInputForms() {
        TensorProto scales = TensorProto.newBuilder().setName("scales").setDataType(1).addDims(4)
                .addFloatData(1).addFloatData(1).addFloatData(2).addFloatData(2).build();
        GraphProto.Builder g = GraphProto.newBuilder().addInput(input("x", "N", 3, 8, 8))
                .addInitializer(Tensors.int64Tensor("starts", new long[] {1}, 2))
                .addInitializer(Tensors.int64Tensor("ends", new long[] {1}, Long.MAX_VALUE))
                .addInitializer(Tensors.int64Tensor("axes", new long[] {1}, 2))
                .addInitializer(Tensors.int64Tensor("steps", new long[] {1}, 2))
                .addInitializer(scales)
                .addNode(node("Slice", new String[] {"x", "starts", "ends", "axes", "steps"}, "sl"))
                .addNode(node("Resize", new String[] {"sl", "", "scales"}, "up"))
                .addNode(node("ReduceMean", new String[] {"up"}, "m"))
                .addOutput(ValueInfoProto.newBuilder().setName("m"));
        InferredShapes shapes = infer(g, 1);
        assertThat(shapes.get("sl").shape()).containsExactly(1, 3, 3, 8);
        assertThat(shapes.get("up").shape()).containsExactly(1, 3, 6, 16);
        assertThat(shapes.get("m").shape()).containsExactly(1, 1, 1, 1);
    }

    @Test
    void smallIntTensorsDecodeFromEveryEncoding() {
        TensorProto listed = TensorProto.newBuilder().setDataType(7).addDims(2).addInt64Data(5).addInt64Data(-1).build();
        assertThat(Tensors.intValues(listed)).containsExactly(5, -1);
        assertThat(Tensors.intValues(Tensors.int64Tensor("r", new long[] {2}, 5, -1))).containsExactly(5, -1);
        TensorProto big = TensorProto.newBuilder().setDataType(1).addDims(1000).addDims(1000).build();
        assertThat(Tensors.floatValues(big)).isNull();
        assertThat(Tensors.elementCount(big)).isEqualTo(1_000_000);
    }
}
