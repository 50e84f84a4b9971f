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

    /**
     * y = Gather(x, idx, axis 1) with x float [batch, 4] and idx an int64 scalar input (as silero-vad's sr): runs
     * only when idx is within [-4, 3], so a value fed to it shows in whether the run succeeds.
     */
    public static Path gatherByInput(Path dir) throws IOException {
        OnnxMl.ValueInfoProto.Builder x = fixed("x", OnnxMl.TensorProto.DataType.FLOAT, 1, 4).toBuilder();
        x.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(0).setDimParam("batch");
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("gather")
                .addInput(x)
                .addInput(fixed("idx", OnnxMl.TensorProto.DataType.INT64))
                .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("y").setType(OnnxMl.TypeProto.newBuilder()
                        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                                .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()))))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Gather").addInput("x").addInput("idx")
                        .addOutput("y").addAttribute(OnnxMl.AttributeProto.newBuilder().setName("axis")
                                .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(1)))
                .build();
        Path file = dir.resolve("gather.onnx");
        Files.write(file, OnnxMl.ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(graph).build().toByteArray());
        return file;
    }

    private static OnnxMl.ValueInfoProto fixed(String name, OnnxMl.TensorProto.DataType type, long... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)))
                .build();
    }
}
