package dev.edgeperf.core.agreement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.variants.InputBatch;
import dev.edgeperf.core.variants.OutputTensor;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 13 item 1: every output is compared; the worst one is reported by name. */
class MultiOutputAgreementTest {
    /** x [1, 6] -> scores = Relu(x), aux = second op applied to x. */
    private static ModelProto twoOutputs(String auxOp) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(1))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(6));
        ValueInfoProto x = ValueInfoProto.newBuilder().setName("x").setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE)
                        .setShape(shape))).build();
        GraphProto g = GraphProto.newBuilder().setName("two").addInput(x)
                .addOutput(x.toBuilder().setName("scores")).addOutput(x.toBuilder().setName("aux"))
                .addNode(NodeProto.newBuilder().setOpType("Relu").addInput("x").addOutput("scores"))
                .addNode(NodeProto.newBuilder().setOpType(auxOp).addInput("x").addOutput("aux")).build();
        return ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
                .setGraph(g).build();
    }

    private static List<InputBatch> inputs(ModelProto m) {
        return ReferenceSet.generatedInputs(m, Map.of(), Map.of(), ReferenceSet.DEFAULT_SAMPLES,
                ReferenceSet.DEFAULT_SEED, "two");
    }

    @Test
    void aCorruptedSecondOutputIsFlaggedAndNamedWhileTheFirstAgrees(@TempDir Path dir) throws IOException {
        ModelProto model = twoOutputs("Neg");
        ReferenceSet set = ReferenceSet.decode(ReferenceSet.of(model, inputs(model), "two").encode(), "set");
        assertThat(set.samples().get(0).outputs()).extracting(OutputTensor::name).containsExactly("scores", "aux");

        DeviceAgreement same = set.check(Files.write(dir.resolve("same.onnx"), model.toByteArray()), 1, "same");
        assertThat(same.disagrees()).isFalse();
        assertThat(same.outputs()).isEqualTo(2);
        assertThat(same.cosine()).isCloseTo(1.0, within(1e-12));

        // a "device" whose aux head computes Abs instead of Neg: the first output alone would have agreed
        DeviceAgreement wrong = set.check(Files.write(dir.resolve("wrong.onnx"), twoOutputs("Abs").toByteArray()), 1,
                "wrong");
        assertThat(wrong.disagrees()).isTrue();
        assertThat(wrong.worstOutput()).isEqualTo("aux");
        assertThat(wrong.cosine()).isCloseTo(-1.0, within(1e-9)); // inputs in [0, 1): Abs(x) = -Neg(x)
        assertThat(wrong.describe()).contains("output 'aux' (worst of 2)");
        assertThat(wrong.maxAbsDiff()).isGreaterThan(1.0);

        // one corrupted value in one sample of the second output, NaN: flagged, named
        List<List<OutputTensor>> device = new ArrayList<>();
        for (ReferenceSet.Sample s : set.samples()) {
            device.add(s.outputs());
        }
        OutputTensor aux = device.get(2).get(1);
        float[] bad = aux.values().clone();
        bad[3] = Float.NaN;
        device.set(2, List.of(device.get(2).get(0), new OutputTensor("aux", aux.shape(), bad)));
        DeviceAgreement nan = set.compare(device);
        assertThat(nan.disagrees()).isTrue();
        assertThat(nan.worstOutput()).isEqualTo("aux");
        assertThat(nan.cosine()).isNaN();

        // the device lacks an output: not comparable, said so
        assertThatThrownBy(() -> set.compare(set.samples().stream().map(s -> List.of(s.output())).toList()))
                .isInstanceOf(EdgeperfException.class).hasMessageContaining("no output 'aux'");
    }

    @Test
    void aVersionOneSetStoredBeforeStillReadsAndComparesItsFirstOutput() throws IOException {
        ModelProto model = twoOutputs("Neg");
        ReferenceSet now = ReferenceSet.of(model, inputs(model), "two");
        // version 1, as sets were stored before: name, shape, kind, values; then the first output alone
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(0x45505253);
            out.writeInt(1);
            out.writeInt(now.samples().size());
            for (ReferenceSet.Sample s : now.samples()) {
                InputBatch.Feed f = s.input().inputs().get(0);
                out.writeInt(1);
                out.writeUTF(f.name());
                writeShape(out, f.shape());
                out.writeByte(0);
                writeValues(out, f.floats());
                out.writeUTF(s.output().name());
                writeShape(out, s.output().shape());
                writeValues(out, s.output().values());
            }
        }
        ReferenceSet old = ReferenceSet.decode(bytes.toByteArray(), "old set");
        // a one-output set is still written as version 1, byte for byte
        assertThat(old.encode()).isEqualTo(bytes.toByteArray());
        assertThat(java.nio.ByteBuffer.wrap(now.encode(), 4, 4).getInt()).isEqualTo(2);
        assertThat(old.samples().get(1).outputs()).hasSize(1);
        assertThat(old.samples().get(1).output().values()).isEqualTo(now.samples().get(1).output().values());
        DeviceAgreement a = old.check(model, "two");
        assertThat(a.outputs()).isEqualTo(1);
        assertThat(a.worstOutput()).isEqualTo("scores");
        assertThat(a.disagrees()).isFalse();
    }

    @Test
    void calibrationBatchesAreCutIntoBatchOneInputs() {
        float[] v = new float[3 * 2];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        List<InputBatch> one = ReferenceSet.batchOne(List.of(new InputBatch(new long[] {3, 2}, v, new int[] {0, 1, 2}),
                new InputBatch(new long[] {3, 2}, v)), 4);
        assertThat(one).hasSize(4);
        assertThat(one.get(1).shape()).containsExactly(1, 2);
        assertThat(one.get(1).values()).containsExactly(2, 3);
        assertThat(one.get(3).values()).containsExactly(0, 1);
        assertThat(one.get(0).hasLabels()).isFalse();
        assertThat(ReferenceSet.batchOne(List.of(new InputBatch(new long[] {3, 2}, v)), 4)).hasSize(3);
    }

    private static void writeShape(DataOutputStream out, long[] shape) throws IOException {
        out.writeInt(shape.length);
        for (long d : shape) {
            out.writeLong(d);
        }
    }

    private static void writeValues(DataOutputStream out, float[] values) throws IOException {
        out.writeInt(values.length);
        for (float f : values) {
            out.writeFloat(f);
        }
    }
}
