package dev.edgeperf.coordinator.testing;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small ONNX models built in the test whose inputs have open dimensions, as exporters write them. */
public final class OpenModels {
    private OpenModels() {
    }

    /**
     * One float input per {@code inputs} entry, each passed through Relu to an output of its own.
     * An entry is the input's name followed by its dims: a String is a {@code dim_param} ({@code "?"}
     * included), null a dimension with neither field, a Number a fixed size.
     */
    public static byte[] relu(Object[]... inputs) {
        OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder().setName("open");
        for (Object[] input : inputs) {
            String name = (String) input[0];
            OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
            for (int i = 1; i < input.length; i++) {
                OnnxMl.TensorShapeProto.Dimension.Builder dim = OnnxMl.TensorShapeProto.Dimension.newBuilder();
                if (input[i] instanceof String s) {
                    dim.setDimParam(s);
                } else if (input[i] != null) {
                    dim.setDimValue(((Number) input[i]).longValue());
                }
                shape.addDim(dim);
            }
            OnnxMl.TypeProto type = OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                    .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).setShape(shape)).build();
            graph.addInput(OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(type))
                    .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(name + "_out").setType(type))
                    .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Relu").addInput(name).addOutput(name + "_out"));
        }
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(graph).build().toByteArray();
    }

    /**
     * {@code x [1, 4]} reshaped to {@code y [1, 2, 2]} by the constant shape {@code [1, 2, 2]}: a fixed batch of 1
     * that the graph pins, so it cannot be rebatched.
     */
    public static Path pinnedReshape(Path dir, String fileName) throws IOException {
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("pinned")
                .addInput(floats("x", 1, 4)).addOutput(floats("y", 1, 2, 2))
                .addInitializer(OnnxMl.TensorProto.newBuilder().setName("shape").addDims(3)
                        .setDataType(OnnxMl.TensorProto.DataType.INT64_VALUE).addInt64Data(1).addInt64Data(2)
                        .addInt64Data(2))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Reshape").setName("reshape").addInput("x")
                        .addInput("shape").addOutput("y")).build();
        Path file = dir.resolve(fileName);
        Files.write(file, OnnxMl.ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(graph).build().toByteArray());
        return file;
    }

    private static OnnxMl.ValueInfoProto floats(String name, long... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder().setTensorType(
                OnnxMl.TypeProto.Tensor.newBuilder().setElemType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
                        .setShape(shape))).build();
    }

    /** One input entry for {@link #relu}: its name, then its dims. */
    public static Object[] input(String name, Object... dims) {
        Object[] entry = new Object[dims.length + 1];
        entry[0] = name;
        System.arraycopy(dims, 0, entry, 1, dims.length);
        return entry;
    }

    /** {@link #relu} written to {@code dir/fileName}. */
    public static Path write(Path dir, String fileName, Object[]... inputs) throws IOException {
        Path file = dir.resolve(fileName);
        Files.write(file, relu(inputs));
        return file;
    }
}
