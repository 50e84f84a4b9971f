package dev.edgeperf.core.fuzz;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random ONNX models for fuzzing, all from one seed: graphs of known op types (and a few unknown
 * ones) with random attributes, random input shapes (fixed, symbolic, open, huge), random
 * initializers (consistent or not) and random wiring; then, sometimes, the serialized bytes are
 * truncated or corrupted. Most draws stay small and plausible so the profiler's deeper paths run;
 * a minority go to the extremes.
 */
final class RandomOnnx {
    static final String[] OPS = {
        "Conv", "ConvTranspose", "Gemm", "MatMul", "Relu", "Sigmoid", "Add", "Mul", "Sub", "Div", "MaxPool",
        "AveragePool", "GlobalAveragePool", "BatchNormalization", "LayerNormalization", "Reshape", "Transpose",
        "Concat", "Flatten", "Softmax", "Slice", "Gather", "Squeeze", "Unsqueeze", "Resize", "Upsample", "Pad",
        "Split", "ReduceMean", "ReduceSum", "Clip", "LRN", "QuantizeLinear", "DequantizeLinear", "QLinearConv",
        "QLinearMatMul", "MatMulInteger", "ConvInteger", "Shape", "ConstantOfShape", "Expand", "Tile", "TopK",
        "Cast", "Identity", "Constant", "DepthToSpace", "SpaceToDepth", "Range", "Where", "Sum", "Max", "ArgMax",
        "Einsum", "LSTM", "NonZero", "OneHot", "Trilu", "CumSum", "Size", "Dropout", "GatherElements",
        "ScatterND", "InstanceNormalization", "Erf", "Pow", "Sqrt", "HardSwish", "Gelu"};
    private static final String[] ATTRS = {
        "kernel_shape", "strides", "pads", "dilations", "group", "axis", "axes", "perm", "transA", "transB",
        "alpha", "beta", "mode", "size", "to", "keepdims", "ceil_mode", "auto_pad", "output_padding",
        "output_shape", "blocksize", "split", "epsilon", "value", "value_ints", "value_int", "value_float",
        "value_floats", "num_outputs", "allowzero", "coordinate_transformation_mode", "upper", "k", "largest"};
    private static final String[] STRINGS = {"NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID", "linear", "nearest",
        "cubic", "bilinear", "", "constant", "reflect", "half_pixel", "garbage"};
    private static final String[] SYMBOLS = {"N", "batch", "seq", "H", "W", "sequence", "unk__1", ""};
    private static final int[] TYPES = {DataType.FLOAT_VALUE, DataType.FLOAT_VALUE, DataType.FLOAT_VALUE,
        DataType.INT64_VALUE, DataType.INT32_VALUE, DataType.UINT8_VALUE, DataType.INT8_VALUE,
        DataType.FLOAT16_VALUE, DataType.BOOL_VALUE, DataType.DOUBLE_VALUE, DataType.STRING_VALUE, 0, 17, 99};

    private final SplittableRandom rnd;
    private final List<String> values = new ArrayList<>();
    private int counter;

    RandomOnnx(long seed) {
        this.rnd = new SplittableRandom(seed);
    }

    /** The serialized model, possibly truncated or corrupted. */
    byte[] bytes() {
        byte[] b = model().toByteArray();
        int mode = rnd.nextInt(10);
        if (mode == 0 && b.length > 1) {
            return java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
        }
        if (mode == 1 && b.length > 0) {
            byte[] c = b.clone();
            for (int i = 0, n = 1 + rnd.nextInt(8); i < n; i++) {
                c[rnd.nextInt(c.length)] = (byte) rnd.nextInt(256);
            }
            return c;
        }
        if (mode == 2) {
            byte[] junk = new byte[rnd.nextInt(64)];
            for (int i = 0; i < junk.length; i++) {
                junk[i] = (byte) rnd.nextInt(256);
            }
            return junk;
        }
        return b;
    }

    /** A batch for the profile: mostly small, sometimes huge. */
    long batch() {
        return switch (rnd.nextInt(12)) {
            case 0 -> 1L << (20 + rnd.nextInt(43));
            case 1 -> Long.MAX_VALUE - rnd.nextInt(3);
            default -> 1 + rnd.nextInt(8);
        };
    }

    /** Explicit shapes for some graph inputs, or none. */
    java.util.Map<String, long[]> inputShapes(byte[] model) {
        java.util.Map<String, long[]> shapes = new java.util.HashMap<>();
        if (rnd.nextInt(4) != 0) {
            return shapes;
        }
        for (int i = 0; i < 1 + rnd.nextInt(2); i++) {
            String name = rnd.nextInt(5) == 0 ? "no_such_input" : "in" + rnd.nextInt(2);
            long[] s = new long[rnd.nextInt(5)];
            for (int d = 0; d < s.length; d++) {
                s[d] = dim();
            }
            shapes.put(name, s);
        }
        return shapes;
    }

    ModelProto model() {
        return rnd.nextBoolean() ? plausible() : wild();
    }

    /**
     * A CNN-like chain over an NCHW input whose weights mostly fit (channel counts are tracked),
     * with attributes that are mostly valid and sometimes extreme, so the shape rules and cost
     * rules see real work, not only early rejections.
     */
    private ModelProto plausible() {
        GraphProto.Builder g = GraphProto.newBuilder().setName("plausible");
        long c = 1 + rnd.nextInt(4);
        long hw = 4 + rnd.nextInt(29);
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(rnd.nextInt(3) == 0 ? TensorShapeProto.Dimension.newBuilder().setDimValue(1 + rnd.nextInt(4))
                        : TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(c))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(rnd.nextInt(20) == 0 ? dim() : hw))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(hw));
        g.addInput(ValueInfoProto.newBuilder().setName("in0").setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(DataType.FLOAT_VALUE).setShape(shape))));
        String x = "in0";
        int rank = 4;
        for (int i = 0, n = 1 + rnd.nextInt(8); i < n; i++) {
            String y = "p" + i;
            String op = rank == 4 ? new String[] {"Conv", "Conv", "Relu", "MaxPool", "AveragePool", "BatchNormalization",
                "Add", "GlobalAveragePool", "ConvTranspose", "Resize", "Pad", "Slice", "Transpose", "Concat",
                "DepthToSpace", "Flatten", "Reshape", "Softmax", "Split", "LRN", "ReduceMean", "Conv"}[rnd.nextInt(22)]
                    : new String[] {"Gemm", "MatMul", "Relu", "Softmax", "Add", "Reshape", "Flatten"}[rnd.nextInt(7)];
            NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName("node" + i).addInput(x).addOutput(y);
            switch (op) {
                case "Conv", "ConvTranspose" -> {
                    long group = rnd.nextInt(4) == 0 ? c : 1;
                    long co = rnd.nextInt(3) == 0 && group == c ? c : 1 + rnd.nextInt(8);
                    long k = 1 + rnd.nextInt(5);
                    long[] w = op.equals("Conv") ? new long[] {co, c / group, k, k} : new long[] {c, co / Math.max(1, group), k, k};
                    g.addInitializer(floatTensor("w" + i, w));
                    node.addInput("w" + i);
                    if (rnd.nextBoolean()) {
                        g.addInitializer(floatTensor("b" + i, new long[] {co}));
                        node.addInput("b" + i);
                    }
                    node.addAttribute(ints("kernel_shape", k, k)).addAttribute(ints("strides", small(), small()));
                    if (rnd.nextBoolean()) {
                        node.addAttribute(ints("pads", pad(), pad(), pad(), pad()));
                    }
                    if (rnd.nextInt(4) == 0) {
                        node.addAttribute(ints("dilations", small(), small()));
                    }
                    if (group != 1 || rnd.nextInt(10) == 0) {
                        node.addAttribute(intAttr("group", rnd.nextInt(10) == 0 ? smallOrWild() : group));
                    }
                    c = co;
                }
                case "MaxPool", "AveragePool" -> {
                    long k = 1 + rnd.nextInt(4);
                    node.addAttribute(ints("kernel_shape", k, k)).addAttribute(ints("strides", small(), small()));
                    if (rnd.nextBoolean()) {
                        node.addAttribute(ints("pads", pad(), pad(), pad(), pad()));
                    }
                    if (rnd.nextInt(3) == 0) {
                        node.addAttribute(intAttr("ceil_mode", 1));
                    }
                }
                case "BatchNormalization" -> {
                    for (String part : new String[] {"s", "bb", "m", "v"}) {
                        g.addInitializer(floatTensor(part + i, new long[] {rnd.nextInt(10) == 0 ? c + 1 : c}));
                        node.addInput(part + i);
                    }
                }
                case "Add" -> node.addInput(rnd.nextInt(3) == 0 ? "in0" : x);
                case "GlobalAveragePool" -> { }
                case "Resize" -> {
                    node.addInput("");
                    g.addInitializer(floatTensor("sc" + i, new long[] {4}, 1, 1, 2, 2));
                    node.addInput("sc" + i);
                    node.addAttribute(AttributeProto.newBuilder().setName("mode").setType(AttributeType.STRING)
                            .setS(ByteString.copyFromUtf8(rnd.nextBoolean() ? "linear" : "nearest")));
                }
                case "Pad" -> {
                    g.addInitializer(int64("pd" + i, 0, 0, pad(), pad(), 0, 0, pad(), pad()));
                    node.addInput("pd" + i);
                }
                case "Slice" -> {
                    g.addInitializer(int64("st" + i, smallOrWild() - 2));
                    g.addInitializer(int64("en" + i, smallOrWild()));
                    g.addInitializer(int64("ax" + i, rnd.nextInt(9) - 4));
                    node.addInput("st" + i).addInput("en" + i).addInput("ax" + i);
                }
                case "Transpose" -> node.addAttribute(rnd.nextInt(6) == 0 ? ints("perm", 0, 1, 2, 2) : ints("perm", 0, 1, 3, 2));
                case "Concat" -> node.addInput(x).addAttribute(intAttr("axis", rnd.nextInt(9) - 4));
                case "DepthToSpace" -> node.addAttribute(intAttr("blocksize", rnd.nextInt(8) == 0 ? smallOrWild() : 1 + rnd.nextInt(2)));
                case "Flatten" -> {
                    node.addAttribute(intAttr("axis", rnd.nextInt(6) == 0 ? smallOrWild() : 1));
                    rank = 2;
                }
                case "Reshape" -> {
                    long[] to = rnd.nextBoolean() ? new long[] {rnd.nextBoolean() ? 0 : 1, -1}
                            : new long[] {-1, smallOrWild(), 1 + rnd.nextInt(4)};
                    g.addInitializer(int64("sh" + i, to));
                    node.addInput("sh" + i);
                    rank = to.length;
                }
                case "Softmax" -> node.addAttribute(intAttr("axis", rnd.nextInt(7) - 3));
                case "Split" -> {
                    node.addOutput(y + "b").addAttribute(intAttr("axis", rnd.nextInt(4)));
                }
                case "LRN" -> node.addAttribute(intAttr("size", rnd.nextInt(6) == 0 ? smallOrWild() : 3));
                case "ReduceMean" -> node.addAttribute(ints("axes", 2, 3)).addAttribute(intAttr("keepdims", rnd.nextInt(2)));
                case "Gemm", "MatMul" -> {
                    long in = 1 + rnd.nextInt(64);
                    long out = 1 + rnd.nextInt(16);
                    boolean transB = op.equals("Gemm") && rnd.nextBoolean();
                    g.addInitializer(floatTensor("fc" + i, transB ? new long[] {out, in} : new long[] {in, out}));
                    node.addInput("fc" + i);
                    if (transB) {
                        node.addAttribute(intAttr("transB", 1));
                    }
                }
                default -> { }
            }
            g.addNode(node);
            x = y;
        }
        g.addOutput(valueInfo(x, false));
        return ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(rnd.nextInt(5) == 0 ? 11 : 13)).build();
    }

    private long small() {
        return rnd.nextInt(12) == 0 ? smallOrWild() : 1 + rnd.nextInt(2);
    }

    private long pad() {
        return rnd.nextInt(12) == 0 ? smallOrWild() : rnd.nextInt(3);
    }

    private static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    private static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(value).build();
    }

    private TensorProto floatTensor(String name, long[] dims, float... values) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(DataType.FLOAT_VALUE);
        long n = 1;
        for (long d : dims) {
            t.addDims(d);
            n *= d;
        }
        if (values.length > 0) {
            for (float v : values) {
                t.addFloatData(v);
            }
        } else {
            ByteBuffer b = ByteBuffer.allocate((int) Math.max(0, Math.min(n, 1 << 16)) * 4).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining()) {
                b.putFloat((float) rnd.nextGaussian());
            }
            t.setRawData(ByteString.copyFrom(b.array()));
        }
        return t.build();
    }

    private static TensorProto int64(String name, long... values) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(DataType.INT64_VALUE)
                .addDims(values.length);
        for (long v : values) {
            t.addInt64Data(v);
        }
        return t.build();
    }

    private ModelProto wild() {
        GraphProto.Builder g = GraphProto.newBuilder().setName("fuzz");
        int inputs = rnd.nextInt(4) == 0 ? 2 : 1;
        for (int i = 0; i < inputs; i++) {
            g.addInput(valueInfo("in" + i, true));
            values.add("in" + i);
        }
        for (int i = 0, n = rnd.nextInt(5); i < n; i++) {
            TensorProto t = initializer("w" + i);
            g.addInitializer(t);
            values.add(t.getName());
        }
        int nodes = 1 + rnd.nextInt(7);
        String last = values.get(0);
        for (int i = 0; i < nodes; i++) {
            NodeProto node = node(i, last);
            g.addNode(node);
            if (node.getOutputCount() > 0) {
                last = node.getOutput(0);
            }
        }
        g.addOutput(rnd.nextInt(20) == 0 ? valueInfo("nowhere", false) : valueInfo(last, false));
        ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(rnd.nextInt(10) == 0 ? rnd.nextInt(12) : 8)
                .setGraph(g);
        if (rnd.nextInt(15) != 0) {
            m.addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(rnd.nextInt(6) == 0 ? rnd.nextInt(25) : 13));
        }
        return m.build();
    }

    private NodeProto node(int index, String last) {
        String op = rnd.nextInt(30) == 0 ? "Frobnicate" : OPS[rnd.nextInt(OPS.length)];
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName("n" + index);
        if (rnd.nextInt(25) == 0) {
            n.setDomain(rnd.nextBoolean() ? "com.microsoft" : "ai.onnx");
        }
        int arity = op.equals("Constant") ? 0 : 1 + rnd.nextInt(op.startsWith("QLinear") ? 9 : 3);
        for (int i = 0; i < arity; i++) {
            int pick = rnd.nextInt(12);
            if (i == 0 && pick < 8) {
                n.addInput(last);
            } else if (pick == 10) {
                n.addInput("");
            } else if (pick == 11 && rnd.nextInt(8) == 0) {
                n.addInput("dangling" + index);
            } else {
                n.addInput(values.get(rnd.nextInt(values.size())));
            }
        }
        for (int i = 0, a = rnd.nextInt(4); i < a; i++) {
            n.addAttribute(attribute(ATTRS[rnd.nextInt(ATTRS.length)]));
        }
        if (op.equals("Constant") && rnd.nextInt(3) != 0) {
            n.addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeType.TENSOR)
                    .setT(initializer("")));
        }
        int outputs = op.equals("Split") || op.equals("TopK") || rnd.nextInt(10) == 0 ? 1 + rnd.nextInt(3) : 1;
        for (int i = 0; i < outputs; i++) {
            String name = "v" + (counter++);
            n.addOutput(name);
            values.add(name);
        }
        return n.build();
    }

    private AttributeProto attribute(String name) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
        switch (rnd.nextInt(6)) {
            case 0 -> a.setType(AttributeType.INT).setI(smallOrWild());
            case 1 -> a.setType(AttributeType.FLOAT).setF((float) (rnd.nextDouble() * 4 - 1));
            case 2 -> a.setType(AttributeType.STRING).setS(ByteString.copyFromUtf8(STRINGS[rnd.nextInt(STRINGS.length)]));
            case 3 -> a.setType(AttributeType.TENSOR).setT(initializer(""));
            default -> {
                a.setType(AttributeType.INTS);
                for (int i = 0, k = rnd.nextInt(7); i < k; i++) {
                    a.addInts(smallOrWild());
                }
            }
        }
        return a.build();
    }

    private long smallOrWild() {
        return switch (rnd.nextInt(14)) {
            case 0 -> -rnd.nextInt(4);
            case 1 -> 1L << rnd.nextInt(63);
            case 2 -> Long.MIN_VALUE + rnd.nextInt(2);
            case 3 -> 0;
            default -> 1 + rnd.nextInt(4);
        };
    }

    private long dim() {
        return switch (rnd.nextInt(16)) {
            case 0 -> 0;
            case 1 -> -1;
            case 2 -> 1L << (16 + rnd.nextInt(47));
            default -> 1 + rnd.nextInt(8);
        };
    }

    private ValueInfoProto valueInfo(String name, boolean input) {
        TypeProto.Tensor.Builder t = TypeProto.Tensor.newBuilder().setElemType(input ? type() : 1);
        if (rnd.nextInt(12) != 0) {
            TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
            int rank = input ? rnd.nextInt(6) : rnd.nextInt(3);
            for (int i = 0; i < rank; i++) {
                TensorShapeProto.Dimension.Builder d = TensorShapeProto.Dimension.newBuilder();
                int kind = rnd.nextInt(i == 0 ? 4 : 24);
                if (kind == 0) {
                    d.setDimParam(SYMBOLS[rnd.nextInt(SYMBOLS.length)]);
                } else if (kind == 1) {
                    d.setDimParam("N");
                } else if (kind != 2) {
                    d.setDimValue(rnd.nextInt(10) == 0 ? dim() : 1 + rnd.nextInt(8));
                }
                s.addDim(d);
            }
            t.setShape(s);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(t)).build();
    }

    private int type() {
        return TYPES[rnd.nextInt(TYPES.length)];
    }

    private TensorProto initializer(String name) {
        int type = rnd.nextInt(3) == 0 ? DataType.INT64_VALUE : type();
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type);
        int rank = rnd.nextInt(5);
        long elements = 1;
        for (int i = 0; i < rank; i++) {
            long d = rnd.nextInt(10) == 0 ? dim() : 1 + rnd.nextInt(6);
            t.addDims(d);
            elements = elements * d;
        }
        boolean consistent = rnd.nextInt(6) != 0 && elements >= 0 && elements <= 4096;
        int count = consistent ? (int) elements : rnd.nextInt(32);
        int width = Math.max(1, switch (type) {
            case DataType.INT64_VALUE, DataType.DOUBLE_VALUE -> 8;
            case DataType.FLOAT_VALUE, DataType.INT32_VALUE -> 4;
            case DataType.FLOAT16_VALUE -> 2;
            default -> 1;
        });
        if (type == DataType.INT64_VALUE && rnd.nextBoolean()) {
            for (int i = 0; i < count; i++) {
                t.addInt64Data(rnd.nextInt(4) == 0 ? smallOrWild() : rnd.nextInt(9) - 1);
            }
        } else if (type == DataType.FLOAT_VALUE && rnd.nextInt(4) == 0) {
            for (int i = 0; i < count; i++) {
                t.addFloatData((float) rnd.nextGaussian());
            }
        } else {
            ByteBuffer b = ByteBuffer.allocate(count * width).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < count; i++) {
                if (width == 8) {
                    b.putLong(rnd.nextInt(9) - 1);
                } else if (width == 4) {
                    b.putFloat((float) rnd.nextGaussian());
                } else {
                    b.put((byte) rnd.nextInt(256));
                    for (int k = 1; k < width; k++) {
                        b.put((byte) 0);
                    }
                }
            }
            t.setRawData(ByteString.copyFrom(b.array()));
        }
        if (rnd.nextInt(40) == 0) {
            t.setDataLocation(TensorProto.DataLocation.EXTERNAL);
        }
        return t.build();
    }
}
