package dev.edgeperf.core.cost;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import dev.edgeperf.core.cost.fixtures.OnnxFixture;
import dev.edgeperf.core.onnx.Tensors;

/** A hand-written builder of tiny ONNX graphs for tests; dims given as "N" are symbolic. */
final class TinyModel {
    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("tiny");
    private int nodes;

    /** Adds a float input; an Object dim that is a String is symbolic. */
    TinyModel input(String name, Object... dims) {
        graph.addInput(valueInfo(name, TensorProto.DataType.FLOAT_VALUE, dims));
        return this;
    }

    TinyModel output(String name) {
        graph.addOutput(ValueInfoProto.newBuilder().setName(name));
        return this;
    }

    /** A float initializer of the given dims (zero-filled raw data). */
    TinyModel weight(String name, long... dims) {
        graph.addInitializer(floatTensor(name, dims));
        return this;
    }

    TinyModel typedWeight(String name, int dataType, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(dataType);
        for (long d : dims) {
            t.addDims(d);
        }
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        t.setRawData(ByteString.copyFrom(new byte[(int) (n * Tensors.bytesPerElement(dataType))]));
        graph.addInitializer(t);
        return this;
    }

    TinyModel ints(String name, long... values) {
        graph.addInitializer(Tensors.int64Tensor(name, new long[] {values.length}, values));
        return this;
    }

    /** A node; attributes as name/value pairs: Long, long[], Float, String. */
    TinyModel node(String op, String[] inputs, String[] outputs, Object... attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(op.toLowerCase() + (nodes++));
        for (String in : inputs) {
            n.addInput(in);
        }
        for (String out : outputs) {
            n.addOutput(out);
        }
        for (int i = 0; i < attrs.length; i += 2) {
            n.addAttribute(OnnxFixture.attribute((String) attrs[i], attrs[i + 1]));
        }
        graph.addNode(n);
        return this;
    }

    TinyModel node(String op, String input, String output, Object... attrs) {
        return node(op, input.split(","), new String[] {output}, attrs);
    }

    byte[] bytes() {
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("edgeperf-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(graph).build().toByteArray();
    }

    static TensorProto floatTensor(String name, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
        long n = 1;
        for (long d : dims) {
            t.addDims(d);
            n *= d;
        }
        return t.setRawData(ByteString.copyFrom(new byte[(int) (n * 4)])).build();
    }

    private static ValueInfoProto valueInfo(String name, int type, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            if (d instanceof String s) {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(s));
            } else {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) d).longValue()));
            }
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape))).build();
    }
}
