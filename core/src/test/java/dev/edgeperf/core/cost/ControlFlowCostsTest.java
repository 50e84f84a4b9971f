package dev.edgeperf.core.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.onnx.Tensors;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 10 item 8: If / Loop / Scan subgraphs in the counts, on small generated models. */
class ControlFlowCostsTest {
    private static final int F = TensorProto.DataType.FLOAT_VALUE;
    private static final int I64 = TensorProto.DataType.INT64_VALUE;
    private static final int BOOL = TensorProto.DataType.BOOL_VALUE;

    /** then: x[1,4] @ W[4,8] (32 MACs); else: x @ V[4,2] (8 MACs); both read the outer x. */
    private static GraphProto branch(String name, int out) {
        return GraphProto.newBuilder().setName(name)
                .addInitializer(Tensors.floatTensor(name + "_w", new long[] {4, out}, new float[4 * out]))
                .addNode(node("MatMul", new String[] {"x", name + "_w"}, new String[] {name + "_y"}))
                .addOutput(ValueInfoProto.newBuilder().setName(name + "_y")).build();
    }

    /** A model whose If condition is Equal(sr, 16000), sr an int64 scalar input. */
    private static ModelProto ifOnSampleRate() {
        GraphProto g = GraphProto.newBuilder().setName("if")
                .addInput(value("x", F, 1, 4)).addInput(value("sr", I64))
                .addNode(node("Constant", new String[0], new String[] {"k"},
                        AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                                .setT(Tensors.int64Tensor("k", new long[0], 16000)).build()))
                .addNode(node("Equal", new String[] {"sr", "k"}, new String[] {"is16k"}))
                .addNode(node("If", new String[] {"is16k"}, new String[] {"y"},
                        graphAttr("then_branch", branch("then", 8)), graphAttr("else_branch", branch("else", 2))))
                .addOutput(ValueInfoProto.newBuilder().setName("y")).build();
        return model(g);
    }

    @Test
    void ifCountsTheBranchItsFoldedConditionTakesAndEveryBranchsWeights() {
        ModelProfile at16k = ModelProfiler.profile(ifOnSampleRate(), "if.onnx", 0,
                new ProfileOptions(1, Map.of(), Map.of(), Map.of("sr", new long[] {16000}), CountingConvention.DETAILED));
        assertThat(at16k.totalMacs()).isEqualTo(32);
        assertThat(at16k.totalParams()).as("both branches' weights are in the file").isEqualTo(4 * 8 + 4 * 2);
        assertThat(at16k.uncountedOpTypes()).isEmpty();
        assertThat(at16k.notes()).anyMatch(n -> n.contains("condition is true") && n.contains("then_branch"));
        assertThat(at16k.nodes()).filteredOn(n -> n.opType().equals("If")).singleElement()
                .satisfies(n -> assertThat(n.params()).isEqualTo(40));

        ModelProfile at8k = ModelProfiler.profile(ifOnSampleRate(), "if.onnx", 0,
                new ProfileOptions(1, Map.of(), Map.of(), Map.of("sr", new long[] {8000}), CountingConvention.DETAILED));
        assertThat(at8k.totalMacs()).isEqualTo(8);
        assertThat(at8k.notes()).anyMatch(n -> n.contains("condition is false") && n.contains("else_branch"));
    }

    @Test
    void ifWithAnUnknownConditionCountsTheLargerBranchAndSaysBoth() {
        ModelProfile p = ModelProfiler.profile(ifOnSampleRate(), "if.onnx", 0, ProfileOptions.batch(1));
        assertThat(p.totalMacs()).isEqualTo(32);
        assertThat(p.notes()).anyMatch(n -> n.contains("condition not known") && n.contains("then_branch 32 MACs")
                && n.contains("else_branch 8 MACs"));
    }

    @Test
    void aValueForAnInputTheModelLacksIsAUserError() {
        assertThatThrownBy(() -> ModelProfiler.profile(ifOnSampleRate(), "if.onnx", 0,
                new ProfileOptions(1, Map.of(), Map.of(), Map.of("rate", new long[] {1}), CountingConvention.DETAILED)))
                .isInstanceOf(EdgeperfException.class).hasMessageContaining("no input 'rate'");
        assertThatThrownBy(() -> ModelProfiler.profile(ifOnSampleRate(), "if.onnx", 0,
                new ProfileOptions(1, Map.of(), Map.of(), Map.of("sr", new long[] {1, 2}), CountingConvention.DETAILED)))
                .isInstanceOf(EdgeperfException.class).hasMessageContaining("'sr'").hasMessageContaining("2 elements");
    }

    /** Loop: carried h[1,4] = h @ W[4,4] (16 MACs a step), trip count M from {@code trip}. */
    private static ModelProto loop(boolean constantTrip) {
        GraphProto body = GraphProto.newBuilder().setName("body")
                .addInput(value("i", I64)).addInput(value("c", BOOL)).addInput(value("h", F, 1, 4))
                .addInitializer(Tensors.floatTensor("w", new long[] {4, 4}, new float[16]))
                .addNode(node("MatMul", new String[] {"h", "w"}, new String[] {"h2"}))
                .addNode(node("Identity", new String[] {"c"}, new String[] {"c2"}))
                .addOutput(ValueInfoProto.newBuilder().setName("c2")).addOutput(ValueInfoProto.newBuilder().setName("h2"))
                .build();
        GraphProto.Builder g = GraphProto.newBuilder().setName("loop").addInput(value("x", F, 1, 4));
        if (constantTrip) {
            g.addInitializer(Tensors.int64Tensor("m", new long[0], 3));
        } else {
            g.addInput(value("m", I64));
        }
        g.addInitializer(TensorProto.newBuilder().setName("go").setDataType(BOOL).addInt32Data(1))
                .addNode(node("Loop", new String[] {"m", "go", "x"}, new String[] {"y"}, graphAttr("body", body)))
                .addOutput(ValueInfoProto.newBuilder().setName("y"));
        return model(g.build());
    }

    @Test
    void loopCountsBodyTimesAKnownTripCountAndListsAnUnknownOneWithItsReason() {
        ModelProfile known = ModelProfiler.profile(loop(true), "loop.onnx", 0, ProfileOptions.batch(1));
        assertThat(known.totalMacs()).isEqualTo(3 * 16);
        assertThat(known.totalParams()).isEqualTo(16);
        assertThat(known.uncountedOpTypes()).isEmpty();
        assertThat(known.notes()).anyMatch(n -> n.contains("trip count 3"));

        ModelProfile unknown = ModelProfiler.profile(loop(false), "loop.onnx", 0, ProfileOptions.batch(1));
        assertThat(unknown.uncountedOpTypes()).containsEntry("Loop", 1);
        assertThat(unknown.totalParams()).isEqualTo(16);
        assertThat(unknown.notes()).anyMatch(n -> n.contains("trip count M ('m')") && n.contains("given inputs"));

        ModelProfile given = ModelProfiler.profile(loop(false), "loop.onnx", 0,
                new ProfileOptions(1, Map.of(), Map.of(), Map.of("m", new long[] {5}), CountingConvention.DETAILED));
        assertThat(given.totalMacs()).isEqualTo(5 * 16);
    }

    @Test
    void scanCountsBodyTimesTheScanLength() {
        GraphProto body = GraphProto.newBuilder().setName("body")
                .addInput(value("xt", F, 1, 4))
                .addInitializer(Tensors.floatTensor("w", new long[] {4, 3}, new float[12]))
                .addNode(node("MatMul", new String[] {"xt", "w"}, new String[] {"yt"}))
                .addOutput(ValueInfoProto.newBuilder().setName("yt")).build();
        GraphProto g = GraphProto.newBuilder().setName("scan").addInput(value("x", F, 5, 1, 4))
                .addNode(node("Scan", new String[] {"x"}, new String[] {"y"}, graphAttr("body", body),
                        AttributeProto.newBuilder().setName("num_scan_inputs").setType(AttributeProto.AttributeType.INT)
                                .setI(1).build()))
                .addOutput(ValueInfoProto.newBuilder().setName("y")).build();
        ModelProfile p = ModelProfiler.profile(model(g), "scan.onnx", 0, ProfileOptions.batch(1));
        assertThat(p.totalMacs()).isEqualTo(5 * 12);
        assertThat(p.totalParams()).isEqualTo(12);
        assertThat(p.notes()).anyMatch(n -> n.contains("scan length 5"));
    }

    private static ModelProto model(GraphProto g) {
        return ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
                .setGraph(g).build();
    }

    private static NodeProto node(String op, String[] in, String[] out, AttributeProto... attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(op + "_" + out[0]);
        for (String s : in) {
            n.addInput(s);
        }
        for (String s : out) {
            n.addOutput(s);
        }
        for (AttributeProto a : attrs) {
            n.addAttribute(a);
        }
        return n.build();
    }

    private static AttributeProto graphAttr(String name, GraphProto g) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.GRAPH).setG(g).build();
    }

    private static ValueInfoProto value(String name, int type, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type).setShape(s))).build();
    }
}
