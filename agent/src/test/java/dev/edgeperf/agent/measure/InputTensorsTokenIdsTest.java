package dev.edgeperf.agent.measure;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.edgeperf.core.onnx.Tensors;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 10 item 9: an embedding model measured on token ids within its table, masks of ones, token types 0. */
class InputTensorsTokenIdsTest {
    private static final int VOCAB = 50;

    /** y = (word[input_ids] + type[token_type_ids]) * mask, inputs int64 [batch, sequence]. */
    static Path embeddingModel(Path dir) throws Exception {
        OnnxMl.TypeProto ids = OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                .setElemType(OnnxMl.TensorProto.DataType.INT64_VALUE).setShape(OnnxMl.TensorShapeProto.newBuilder()
                        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("sequence")))).build();
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("embedding")
                .addInput(OnnxMl.ValueInfoProto.newBuilder().setName("input_ids").setType(ids))
                .addInput(OnnxMl.ValueInfoProto.newBuilder().setName("attention_mask").setType(ids))
                .addInput(OnnxMl.ValueInfoProto.newBuilder().setName("token_type_ids").setType(ids))
                .addInitializer(Tensors.floatTensor("word", new long[] {VOCAB, 4}, new float[VOCAB * 4]))
                .addInitializer(Tensors.floatTensor("type", new long[] {2, 4}, new float[8]))
                .addInitializer(Tensors.int64Tensor("last", new long[] {1}, -1))
                .addNode(node("Gather", "we", "word", "input_ids"))
                .addNode(node("Gather", "te", "type", "token_type_ids"))
                .addNode(node("Add", "e", "we", "te"))
                .addNode(node("Cast", "mf", "attention_mask").toBuilder().addAttribute(OnnxMl.AttributeProto.newBuilder()
                        .setName("to").setType(OnnxMl.AttributeProto.AttributeType.INT)
                        .setI(OnnxMl.TensorProto.DataType.FLOAT_VALUE)))
                .addNode(node("Unsqueeze", "m3", "mf", "last"))
                .addNode(node("Mul", "y", "e", "m3"))
                .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("y"))
                .build();
        Path file = dir.resolve("embedding.onnx");
        Files.write(file, OnnxMl.ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(graph).build().toByteArray());
        return file;
    }

    private static OnnxMl.NodeProto node(String op, String out, String... in) {
        return OnnxMl.NodeProto.newBuilder().setOpType(op).setName(out).addAllInput(Arrays.asList(in)).addOutput(out)
                .build();
    }

    @Test
    void tokenIdsStayInsideTheEmbeddingTableMasksAreOnesTokenTypesZeros(@TempDir Path dir) throws Exception {
        Path model = embeddingModel(dir);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(model.toString(), o);
                InputTensors in = InputTensors.create(env, session.getInputInfo(), 2, Map.of(),
                        Map.of("sequence", 64L), InputTensors.integerRules(model), "embedding.onnx")) {
            long[] tokens = values(in, "input_ids");
            assertThat(tokens).hasSize(2 * 64);
            assertThat(Arrays.stream(tokens).allMatch(v -> v >= 0 && v < VOCAB)).as("ids in [0, %d)", VOCAB).isTrue();
            assertThat(Arrays.stream(tokens).distinct().count()).as("ids spread over the table").isGreaterThan(20);
            assertThat(Arrays.stream(tokens).max().getAsLong()).as("not only small ids").isGreaterThanOrEqualTo(10);
            assertThat(values(in, "attention_mask")).hasSize(128).containsOnly(1L);
            assertThat(values(in, "token_type_ids")).hasSize(128).containsOnly(0L);
            try (OrtSession.Result r = session.run(in.asMap())) {
                assertThat(r.get("y")).isPresent();
            }
        }
    }

    @Test
    void givenValuesAreFedAsTheyAreRepeatedPerSampleAndRefusedWhereTheyCannotBe(@TempDir Path dir) throws Exception {
        Path model = embeddingModel(dir);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(model.toString(), o)) {
            try (InputTensors in = InputTensors.create(env, session.getInputInfo(), 2, Map.of(), Map.of("sequence", 3L),
                    InputTensors.integerRules(model), Map.of("input_ids", new long[] {7, 8, 9}), "embedding.onnx")) {
                assertThat(values(in, "input_ids")).containsExactly(7, 8, 9, 7, 8, 9);
                assertThat(values(in, "attention_mask")).containsOnly(1L);
            }
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> InputTensors.create(env, session.getInputInfo(),
                    1, Map.of(), Map.of("sequence", 3L), Map.of(), Map.of("input_ids", new long[] {1, 2}),
                    "embedding.onnx")).hasMessage("model embedding.onnx input 'input_ids' of shape [1, 3] cannot be fed"
                    + " the 2 value(s) given for it");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> InputTensors.create(env, session.getInputInfo(),
                    1, Map.of(), Map.of("sequence", 3L), Map.of(), Map.of("sr", new long[] {16000}),
                    "embedding.onnx")).hasMessageStartingWith("model embedding.onnx has no input 'sr' to feed the given"
                    + " values to");
        }
    }

    private static long[] values(InputTensors in, String name) {
        LongBuffer b = in.asMap().get(name).getLongBuffer();
        long[] v = new long[b.remaining()];
        b.get(v);
        return v;
    }
}
