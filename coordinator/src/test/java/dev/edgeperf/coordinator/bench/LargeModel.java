package dev.edgeperf.coordinator.bench;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a large but valid ONNX model, {@code y[N, M] = x[N, 4096] x W[4096, M]}, with W inline and
 * about {@code bytes} big, streamed to disk (the generator never holds W in memory): for upload
 * tests and the upload benchmark. Run as {@code LargeModel FILE BYTES}.
 */
public final class LargeModel {
    public static final int INPUTS = 4096;

    private LargeModel() {
    }

    public static void main(String[] args) throws IOException {
        write(Path.of(args[0]), Long.parseLong(args[1]));
    }

    /** @return the file's size in bytes */
    public static long write(Path file, long bytes) throws IOException {
        int outputs = (int) Math.max(1, bytes / (4L * INPUTS));
        long weightBytes = 4L * INPUTS * outputs;
        TensorProto w = TensorProto.newBuilder().setName("W").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(INPUTS).addDims(outputs).build();
        GraphProto graph = GraphProto.newBuilder().setName("large-matmul")
                .addNode(NodeProto.newBuilder().setOpType("MatMul").addInput("x").addInput("W").addOutput("y"))
                .addInput(value("x", INPUTS)).addOutput(value("y", outputs)).build();
        ModelProto model = ModelProto.newBuilder().setIrVersion(8).setProducerName("edgeperf-bench")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).build();
        // W's raw_data (field 9) is appended by hand, so its sizes are computed, not serialized
        long tensorSize = w.getSerializedSize() + CodedOutputStream.computeTagSize(9)
                + CodedOutputStream.computeUInt64SizeNoTag(weightBytes) + weightBytes;
        long graphSize = graph.getSerializedSize() + CodedOutputStream.computeTagSize(5)
                + CodedOutputStream.computeUInt64SizeNoTag(tensorSize) + tensorSize;
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            CodedOutputStream out = CodedOutputStream.newInstance(raw, 1 << 16);
            model.writeTo(out);
            out.writeTag(7, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt64NoTag(graphSize);
            graph.writeTo(out);
            out.writeTag(5, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt64NoTag(tensorSize);
            w.writeTo(out);
            out.writeTag(9, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt64NoTag(weightBytes);
            SplittableRandom random = new SplittableRandom(7);
            ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (long left = weightBytes; left > 0; ) {
                chunk.clear();
                int n = (int) Math.min(chunk.capacity(), left);
                for (int i = 0; i < n; i += 4) {
                    chunk.putFloat((float) (random.nextDouble() - 0.5) * 0.01f);
                }
                out.writeRawBytes(chunk.array(), 0, n);
                left -= n;
            }
            out.flush();
        }
        return Files.size(file);
    }

    private static ValueInfoProto value(String name, int size) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(size)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }
}
