package dev.edgeperf.coordinator.cli;

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
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.core.onnx.Tensors;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code models profile --value}: an If on a sample-rate input counts the branch that value selects. */
class ModelsProfileValueTest {
    private final CliCapture cli = new CliCapture();

    @TempDir
    Path dir;

    /** y = If(sr == 16000, x @ W[4,8] (32 MACs), x @ V[4,2] (8 MACs)), x float [1, 4], sr int64 scalar. */
    private Path model() throws Exception {
        GraphProto g = GraphProto.newBuilder().setName("vad")
                .addInput(value("x", TensorProto.DataType.FLOAT_VALUE, 1, 4))
                .addInput(value("sr", TensorProto.DataType.INT64_VALUE))
                .addInitializer(Tensors.int64Tensor("k", new long[0], 16000))
                .addNode(NodeProto.newBuilder().setOpType("Equal").setName("eq").addInput("sr").addInput("k")
                        .addOutput("c"))
                .addNode(NodeProto.newBuilder().setOpType("If").setName("if").addInput("c").addOutput("y")
                        .addAttribute(branch("then_branch", 8)).addAttribute(branch("else_branch", 2)))
                .addOutput(ValueInfoProto.newBuilder().setName("y")).build();
        Path file = dir.resolve("vad.onnx");
        Files.write(file, ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(g).build().toByteArray());
        return file;
    }

    private static AttributeProto branch(String name, int out) {
        GraphProto b = GraphProto.newBuilder().setName(name)
                .addInitializer(Tensors.floatTensor(name + "_w", new long[] {4, out}, new float[4 * out]))
                .addNode(NodeProto.newBuilder().setOpType("MatMul").setName(name + "_mm").addInput("x")
                        .addInput(name + "_w").addOutput(name + "_y"))
                .addOutput(ValueInfoProto.newBuilder().setName(name + "_y")).build();
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.GRAPH).setG(b).build();
    }

    private static ValueInfoProto value(String name, int type, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type).setShape(s))).build();
    }

    private long macs() throws Exception {
        return new ObjectMapper().readTree(cli.out.toString()).get("totalMacs").asLong();
    }

    @Test
    void aValueSelectsTheBranchThatRunsAndWithoutOneTheLargerIsCountedWithANote() throws Exception {
        Path m = model();
        assertThat(cli.run("models", "profile", m.toString(), "--value", "sr=8000", "--json")).isZero();
        assertThat(macs()).isEqualTo(8);
        assertThat(cli.out.toString()).contains("condition is false").contains("else_branch");

        CliCapture again = new CliCapture();
        assertThat(again.run("models", "profile", m.toString())).isZero();
        assertThat(again.out.toString()).contains("note: If 'if': condition not known")
                .contains("then_branch 32 MACs, else_branch 8 MACs");
    }

    @Test
    void aMalformedOrUnknownValueIsOneLineExitTwo() throws Exception {
        Path m = model();
        assertThat(cli.run("models", "profile", m.toString(), "--value", "sr=fast")).isEqualTo(2);
        assertThat(cli.err.toString()).hasLineCount(1).contains("--value 'sr=fast'").contains("NAME=V");
        CliCapture other = new CliCapture();
        assertThat(other.run("models", "profile", m.toString(), "--value", "rate=1")).isEqualTo(2);
        assertThat(other.err.toString()).hasLineCount(1).contains("no input 'rate'");
    }
}
