package dev.edgeperf.agent.calibrate;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * ONNX micro-models for calibration, each with a dynamic first input dimension so the measurement
 * loop's batch size sets it: MatMul [m, k] x [k, n] (batch = m), Conv 3x3 pad 1 on [b, c, h, w],
 * elementwise Add of two [e] vectors (batch = e) and Add of one float (the tiny op).
 */
public final class MicroModels {
    private static final int OPSET = 17;
    private static final int FLOAT = OnnxMl.TensorProto.DataType.FLOAT.getNumber();

    private MicroModels() {
    }

    /**
     * Problem sizes.
     *
     * @param matmul       m = k = n of the MatMul
     * @param convChannels input and output channels of the Conv
     * @param convSize     height and width of the Conv's input
     * @param addElements  elements of each Add operand
     */
    public record Sizes(int matmul, int convChannels, int convSize, int addElements) {
        /** The sizes `agent calibrate` uses: big enough to leave the caches on any board. */
        public static final Sizes FULL = new Sizes(1024, 128, 56, 8 * 1024 * 1024);
        /** Small sizes for tests and quick looks (figures are then cache-bound). */
        public static final Sizes QUICK = new Sizes(128, 16, 16, 64 * 1024);

        public Sizes {
            if (matmul < 1 || convChannels < 1 || convSize < 3 || addElements < 1) {
                throw new IllegalArgumentException("sizes must be positive (conv size >= 3), got " + this);
            }
        }

        /** FLOPs of one MatMul run: 2 m k n. */
        public double matmulFlops() {
            return 2.0 * matmul * matmul * (double) matmul;
        }

        /** FLOPs of one Conv run: 2 x Cout x Cin x 9 x H x W. */
        public double convFlops() {
            return 2.0 * convChannels * convChannels * 9.0 * convSize * convSize;
        }

        /** Bytes one Add run reads and writes: 3 x elements x 4. */
        public double addBytes() {
            return 3.0 * addElements * Float.BYTES;
        }
    }

    /** Y = A x B with A [m, k] an input (m dynamic) and B [k, n] a constant. */
    public static byte[] matmul(int n) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("calibrate-matmul")
                .addInput(value("A", -1, n)).addOutput(value("Y", -1, n))
                .addInitializer(floats("B", new SplittableRandom(1), n, n))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").addInput("A").addInput("B").addOutput("Y"));
        return model(g);
    }

    /** Y = Conv(X, W, 3x3, pad 1) with X [b, c, s, s] (b dynamic). */
    public static byte[] conv(int channels, int size) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("calibrate-conv")
                .addInput(value("X", -1, channels, size, size)).addOutput(value("Y", -1, channels, size, size))
                .addInitializer(floats("W", new SplittableRandom(2), channels, channels, 3, 3))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Conv").addInput("X").addInput("W").addOutput("Y")
                        .addAttribute(ints("kernel_shape", 3, 3)).addAttribute(ints("pads", 1, 1, 1, 1)));
        return model(g);
    }

    /** Z = X + Y over [e] vectors (e dynamic). */
    public static byte[] add() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("calibrate-add")
                .addInput(value("X", -1)).addInput(value("Y", -1)).addOutput(value("Z", -1))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Add").addInput("X").addInput("Y").addOutput("Z"));
        return model(g);
    }

    /** Y = X + 1 over a [b] vector: the per-call overhead probe (run with b = 1). */
    public static byte[] tiny() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("calibrate-tiny")
                .addInput(value("X", -1)).addOutput(value("Y", -1))
                .addInitializer(floats("one", new SplittableRandom(3), 1))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Add").addInput("X").addInput("one").addOutput("Y"));
        return model(g);
    }

    /** Nodes in the {@link #chain()} probe: the tiny op's one node plus this many more. */
    public static final int CHAIN_EXTRA_NODES = 64;

    /**
     * The tiny op repeated: {@code 1 + CHAIN_EXTRA_NODES} dependent Adds over a [b] vector, each with its
     * own constant so that no optimizer merges them. Its latency minus the tiny op's, per extra node, is
     * the dispatch cost of one node (the roofline predictor's per-node overhead).
     */
    public static byte[] chain() {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("calibrate-chain")
                .addInput(value("X", -1)).addOutput(value("Y", -1));
        SplittableRandom random = new SplittableRandom(4);
        String previous = "X";
        for (int i = 0; i <= CHAIN_EXTRA_NODES; i++) {
            String out = i == CHAIN_EXTRA_NODES ? "Y" : "h" + i;
            g.addInitializer(floats("c" + i, random, 1)).addNode(OnnxMl.NodeProto.newBuilder().setOpType("Add")
                    .addInput(previous).addInput("c" + i).addOutput(out));
            previous = out;
        }
        return model(g);
    }

    static byte[] model(OnnxMl.GraphProto.Builder graph) {
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("edgeperf-calibrate")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph).build().toByteArray();
    }

    /** A float tensor value; -1 makes a dimension dynamic. */
    static OnnxMl.ValueInfoProto value(String name, long... dims) {
        return value(name, OnnxMl.TensorProto.DataType.FLOAT, dims);
    }

    /** A tensor value of element type {@code type}; -1 makes a dimension dynamic. */
    static OnnxMl.ValueInfoProto value(String name, OnnxMl.TensorProto.DataType type, long... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (int i = 0; i < dims.length; i++) {
            shape.addDim(dims[i] < 0 ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("d" + i)
                    : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(dims[i]));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)))
                .build();
    }

    static OnnxMl.TensorProto floats(String name, SplittableRandom random, long... dims) {
        long count = 1;
        for (long d : dims) {
            count *= d;
        }
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(count * Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < count; i++) {
            b.putFloat((float) (random.nextDouble() * 0.2 - 0.1));
        }
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(FLOAT)
                .setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    static OnnxMl.AttributeProto ints(String name, long... values) {
        OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }
}
