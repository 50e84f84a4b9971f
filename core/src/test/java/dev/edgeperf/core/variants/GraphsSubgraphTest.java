package dev.edgeperf.core.variants;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.edgeperf.core.onnx.Tensors;
import org.junit.jupiter.api.Test;

/**
 * Issue 10: quantizing silero_vad_16k_op15 dropped 'model.decoder.rnn.weight_ih', which only nodes inside
 * an {@code If} branch read, and ONNX Runtime refused the variant. Initializers read from subgraphs stay.
 */
class GraphsSubgraphTest {
    private static NodeProto node(String op, String out, String... in) {
        return NodeProto.newBuilder().setOpType(op).setName(out).addAllInput(java.util.List.of(in)).addOutput(out)
                .build();
    }

    @Test
    void initializersReadOnlyInsideIfBranchesAtAnyDepthAreKeptAndTrulyUnusedOnesDropped() {
        GraphProto inner = GraphProto.newBuilder().setName("inner").addNode(node("Identity", "i", "deep"))
                .addOutput(ValueInfoProto.newBuilder().setName("i")).build();
        GraphProto thenBranch = GraphProto.newBuilder().setName("then")
                .addNode(node("Slice", "s", "weight_ih", "starts", "ends"))
                .addNode(node("If", "nested", "c").toBuilder().addAttribute(AttributeProto.newBuilder()
                        .setName("then_branch").setType(AttributeProto.AttributeType.GRAPH).setG(inner)).build())
                .addOutput(ValueInfoProto.newBuilder().setName("s")).build();
        GraphProto elseBranch = GraphProto.newBuilder().setName("else").addNode(node("Identity", "e", "x"))
                .addOutput(ValueInfoProto.newBuilder().setName("e")).build();
        NodeProto ifNode = node("If", "y", "c").toBuilder()
                .addAttribute(AttributeProto.newBuilder().setName("then_branch")
                        .setType(AttributeProto.AttributeType.GRAPH).setG(thenBranch))
                .addAttribute(AttributeProto.newBuilder().setName("else_branch")
                        .setType(AttributeProto.AttributeType.GRAPH).setG(elseBranch)).build();
        GraphProto g = GraphProto.newBuilder().setName("main").addNode(ifNode)
                .addInitializer(Tensors.floatTensor("weight_ih", new long[] {2}, new float[2]))
                .addInitializer(Tensors.int64Tensor("starts", new long[] {1}, 0))
                .addInitializer(Tensors.int64Tensor("ends", new long[] {1}, 1))
                .addInitializer(Tensors.floatTensor("deep", new long[] {1}, new float[1]))
                .addInitializer(Tensors.floatTensor("orphan", new long[] {1}, new float[1]))
                .addOutput(ValueInfoProto.newBuilder().setName("y")).build();

        GraphProto kept = Graphs.dropUnusedInitializers(g);

        assertThat(kept.getInitializerList()).extracting(t -> t.getName())
                .containsExactly("weight_ih", "starts", "ends", "deep");
    }
}
