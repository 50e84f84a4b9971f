package dev.edgeperf.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IntegerInputsTest {
    private static ValueInfoProto input(String name, int type) {
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(type).setShape(TensorShapeProto.newBuilder()
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(1))))).build();
    }

    private static NodeProto node(String op, String out, String... in) {
        return NodeProto.newBuilder().setOpType(op).setName(out).addAllInput(java.util.List.of(in)).addOutput(out).build();
    }

    @Test
    void idsIndexTheSmallestTableThroughACastMasksAndTokenTypesGoByName() {
        GraphProto g = GraphProto.newBuilder()
                .addInput(input("ids", DataType.INT32_VALUE)).addInput(input("input_mask", DataType.INT64_VALUE))
                .addInput(input("segment_ids", DataType.INT64_VALUE)).addInput(input("length", DataType.INT64_VALUE))
                .addInput(input("x", DataType.FLOAT_VALUE))
                .addInitializer(Tensors.floatTensor("big", new long[] {300, 2}, new float[600]))
                .addInitializer(Tensors.floatTensor("small", new long[] {7, 2}, new float[14]))
                .addNode(node("Cast", "ids64", "ids").toBuilder().addAttribute(AttributeProto.newBuilder().setName("to")
                        .setType(AttributeProto.AttributeType.INT).setI(DataType.INT64_VALUE)).build())
                .addNode(node("Gather", "a", "big", "ids64"))
                .addNode(node("Gather", "b", "small", "ids"))
                .addNode(node("Gather", "c", "big", "segment_ids"))
                .build();
        Map<String, IntegerInputs.Rule> rules = IntegerInputs.rules(ModelProto.newBuilder().setGraph(g).build());
        assertThat(rules).containsOnlyKeys("ids", "input_mask", "segment_ids", "length");
        assertThat(rules.get("ids").kind()).isEqualTo(IntegerInputs.Kind.TOKEN_IDS);
        assertThat(rules.get("ids").bound()).isEqualTo(7);
        assertThat(rules.get("input_mask").kind()).isEqualTo(IntegerInputs.Kind.ONES);
        assertThat(rules.get("segment_ids").kind()).isEqualTo(IntegerInputs.Kind.ZEROS);
        assertThat(rules.get("length")).isEqualTo(IntegerInputs.DEFAULT);
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 100; i++) {
            assertThat(rules.get("ids").next(r)).isBetween(0L, 6L);
        }
    }
}
