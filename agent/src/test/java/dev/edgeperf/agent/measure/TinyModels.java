package dev.edgeperf.agent.measure;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small ONNX models built in the test, for cases the zoo does not cover. */
public final class TinyModels {
    private TinyModels() {
    }

    /** y = Relu(x) with x of the fixed shape [1, 4]: cannot take any batch but 1. */
    public static Path fixedBatchRelu(Path dir) throws IOException {
        OnnxMl.TypeProto type = OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                .setShape(OnnxMl.TensorShapeProto.newBuilder()
                        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(1))
                        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(4)))).build();
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("fixed")
                .addInput(OnnxMl.ValueInfoProto.newBuilder().setName("x").setType(type))
                .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("y").setType(type))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Relu").addInput("x").addOutput("y"))
                .build();
        OnnxMl.ModelProto model = OnnxMl.ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(graph).build();
        Path file = dir.resolve("fixed-batch.onnx");
        Files.write(file, model.toByteArray());
        return file;
    }

    /**
     * y = Relu(x) with x of the given dims: a String is a {@code dim_param} ({@code "?"} included), null a
     * dimension with neither field, a Number a fixed size.
     */
    public static Path openDimsRelu(Path dir, String fileName, Object... dims) throws IOException {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (Object d : dims) {
            OnnxMl.TensorShapeProto.Dimension.Builder dim = OnnxMl.TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String s) {
                dim.setDimParam(s);
            } else if (d != null) {
                dim.setDimValue(((Number) d).longValue());
            }
            shape.addDim(dim);
        }
        OnnxMl.TypeProto type = OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).setShape(shape)).build();
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("open")
                .addInput(OnnxMl.ValueInfoProto.newBuilder().setName("x").setType(type))
                .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("y").setType(type))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Relu").addInput("x").addOutput("y"))
                .build();
        Path file = dir.resolve(fileName);
        Files.write(file, OnnxMl.ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(graph).build().toByteArray());
        return file;
    }
}
