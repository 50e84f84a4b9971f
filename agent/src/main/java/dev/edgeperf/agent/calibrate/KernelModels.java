package dev.edgeperf.agent.calibrate;

import static dev.edgeperf.agent.calibrate.MicroModels.floats;
import static dev.edgeperf.agent.calibrate.MicroModels.ints;
import static dev.edgeperf.agent.calibrate.MicroModels.value;

import ai.onnx.proto.OnnxMl;
import dev.edgeperf.core.predict.kernel.KernelType;
import java.util.SplittableRandom;

/**
 * Single-kernel ONNX models for the kernel regressors, one per call, with shapes drawn from the
 * spread real CNNs and transformers use (channels 3-512, spatial 7-112, kernels 1-7, strides 1-2,
 * batch 1-8), rejecting draws above a FLOPs cap so one sample stays a few milliseconds. Half the
 * channel counts are drawn log-uniformly from 1-512 instead of the usual multiples of 8: pruned
 * variants and small models (mnist-cnn's 5 channels, a 1-channel input) have odd counts, which
 * ONNX Runtime's 8- and 16-channel blocks run at a fraction of the rate, and a regressor that never
 * saw one predicts the rate of the blocked ones. Convs get valid or same padding and a fused Relu,
 * Clip, Tanh, Sigmoid or none (a Tanh costs as much per output as a small conv's MACs). Every model
 * is fully static and fp32, and is built so that ONNX Runtime fuses it into the kernel named by its
 * type (Conv + Relu into FusedConv, Conv + Add + Relu into the NCHWc conv-add kernel).
 */
final class KernelModels {
    private static final long[] CHANNELS = {3, 8, 16, 24, 32, 48, 64, 96, 128, 160, 192, 256, 320, 384, 512};
    private static final long[] SPATIAL = {7, 14, 28, 56, 112};
    private static final long[] BATCH = {1, 1, 1, 2, 4, 8};
    /** Largest weight tensor generated, elements (filling it is part of the budget). */
    private static final long MAX_WEIGHTS = 4L << 20;
    /**
     * Largest activation tensor generated, elements (32 MB of floats): mobilenet-v1's 64 x 112 x 112
     * activations at batch 8 are 6.4 M.
     */
    static final long MAX_ACTIVATION = 8L << 20;

    /**
     * One draw in {@link #LARGE_DRAW_ONE_IN} of {@link #next} may be this many times the FLOPs cap.
     * Batch-8 layers of common CNNs are that large (resnet18's 3x3 convs are 1.85 GFLOP): with no
     * sample near them the regressors extrapolated, and resnet18 at batch 8 and 1 thread was predicted
     * 26 % slow. Raising the cap for every draw made a fifth of the conv samples large and cost 40 %
     * of all samples in the same budget, and the small kernels lost more than the large ones gained.
     */
    static final long LARGE_DRAW_FACTOR = 8;
    static final int LARGE_DRAW_ONE_IN = 4;

    private final SplittableRandom random;
    private final long maxFlops;
    /** FLOPs cap of the draw under way: {@code maxFlops}, or {@link #LARGE_DRAW_FACTOR} times it. */
    private long drawCap;
    /** Only clamp activations: the int8 quantizer keeps a conv + Relu/Clip in int8, but a Tanh leaves it in fp32. */
    private final boolean clampsOnly;

    /**
     * @param seed     fixes the sequence of shapes
     * @param maxFlops FLOPs cap of one generated kernel
     */
    KernelModels(long seed, long maxFlops) {
        this(seed, maxFlops, false);
    }

    private KernelModels(long seed, long maxFlops, boolean clampsOnly) {
        this.random = new SplittableRandom(seed);
        this.maxFlops = maxFlops;
        this.drawCap = maxFlops;
        this.clampsOnly = clampsOnly;
    }

    /** Models of the same spread for the int8 quantizer: activations limited to those it keeps in int8. */
    KernelModels forInt8(long seed) {
        return new KernelModels(seed, maxFlops, true);
    }

    /** The next model of this type (serialized ONNX). */
    byte[] next(KernelType type) {
        drawCap = random.nextInt(LARGE_DRAW_ONE_IN) == 0 ? maxFlops * LARGE_DRAW_FACTOR : maxFlops;
        for (int attempt = 0; ; attempt++) {
            byte[] model = tryNext(type, attempt > 50);
            if (model != null) {
                return model;
            }
        }
    }

    /** A model, or null when the draw is over the cap; {@code small} forces the smallest shapes. */
    private byte[] tryNext(KernelType type, boolean small) {
        long n = small ? 1 : pick(BATCH);
        long hw = small ? 7 : pick(SPATIAL);
        return switch (type) {
            case CONV -> conv(n, ch(small), ch(small), hw, small ? 3 : pick(3, 3, 3, 5, 7), stride(), 1, false,
                    activation());
            case CONV_POINTWISE -> conv(n, ch(small), ch(small), hw, 1, pick(1, 1, 1, 2), 1, false,
                    pick("Relu", "Relu", "Clip", null, null));
            case CONV_DEPTHWISE -> {
                long c = Math.max(2, ch(small)); // one channel would be a plain conv
                yield conv(n, c, c, hw, pick(3, 3, 5), stride(), c, false, activation());
            }
            case CONV_ADD -> conv(n, ch(small), ch(small), hw, pick(1, 3), 1, 1, true,
                    random.nextBoolean() ? "Relu" : null);
            case GEMM -> gemm(small ? 1 : pick(1, 1, 2, 8, 16, 64, 128, 256), small ? 64 : pick(64, 128, 256, 512,
                    768, 1024, 2048, 4096), small ? 64 : pick(10, 64, 128, 256, 512, 768, 1000, 1024, 2048, 3072, 4096));
            case POOL -> pool(n, ch(small), Math.max(hw, 14), pick(2, 3, 3), 2, random.nextBoolean());
            case GLOBAL_POOL -> globalPool(n, ch(small), hw);
            case ELEMENTWISE -> elementwise(n, ch(small), hw);
            case SOFTMAX -> rows(n * pick(1, 8, 64, 128, 512), pick(10, 100, 128, 512, 1000, 4096), "Softmax");
            case LAYERNORM -> rows(n * pick(1, 16, 64, 128, 512), pick(64, 128, 256, 512, 768, 1024), "LayerNorm");
            case CONCAT -> concat(n, hw, small);
            case QUANTIZE, DEQUANTIZE, DYNAMIC_QUANTIZE, LAYOUT, VIEW -> throw new IllegalArgumentException(type.key()
                    + " is not an fp32 kernel");
        };
    }

    private byte[] conv(long n, long cin, long cout, long hw, long k, long s, long groups, boolean residual,
                        String activation) {
        // most real convs keep the size (same padding); LeNet-style models and stems use none
        long pad = random.nextInt(6) == 0 ? 0 : k / 2;
        long out = (hw + 2 * pad - k) / s + 1;
        long flops = 2 * n * cout * out * out * (cin / groups) * k * k;
        if (flops > drawCap || cout * (cin / groups) * k * k > MAX_WEIGHTS || out < 1
                || n * Math.max(cin * hw * hw, cout * out * out) > MAX_ACTIVATION) {
            return null;
        }
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("kernel-conv")
                .addInput(value("X", n, cin, hw, hw))
                .addInitializer(floats("W", random, cout, cin / groups, k, k))
                .addInitializer(floats("B", random, cout))
                .addNode(OnnxMl.NodeProto.newBuilder().setName("conv").setOpType("Conv").addInput("X").addInput("W")
                        .addInput("B").addOutput("C").addAttribute(ints("kernel_shape", k, k))
                        .addAttribute(ints("pads", pad, pad, pad, pad)).addAttribute(ints("strides", s, s))
                        .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("group").setI(groups)
                                .setType(OnnxMl.AttributeProto.AttributeType.INT)));
        String last = "C";
        if (residual) {
            g.addInput(value("R", n, cout, out, out)).addNode(OnnxMl.NodeProto.newBuilder().setName("add")
                    .setOpType("Add").addInput(last).addInput("R").addOutput("S"));
            last = "S";
        }
        if (activation != null) {
            OnnxMl.NodeProto.Builder act = OnnxMl.NodeProto.newBuilder().setName("act").setOpType(activation)
                    .addInput(last).addOutput("Y");
            if (activation.equals("Clip")) {
                g.addInitializer(scalar("lo", 0f)).addInitializer(scalar("hi", 6f));
                act.addInput("lo").addInput("hi");
            }
            g.addNode(act);
            last = "Y";
        }
        return MicroModels.model(g.addOutput(value(last, n, cout, out, out)));
    }

    private byte[] gemm(long m, long k, long n) {
        if (2 * m * k * n > drawCap || k * n > MAX_WEIGHTS || m * Math.max(k, n) > MAX_ACTIVATION) {
            return null;
        }
        boolean matmul = random.nextInt(3) == 0;
        // ONNX Runtime fuses Gemm + activation into FusedGemm (a MatMul + Relu stays two kernels)
        String activation = matmul ? null : clampsOnly ? pick("Relu", null) : pick("Relu", "Tanh", null, null);
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("kernel-gemm")
                .addInput(value("A", m, k)).addInitializer(floats("B", random, k, n)).addOutput(value("Y", m, n));
        OnnxMl.NodeProto.Builder node = OnnxMl.NodeProto.newBuilder().setName("gemm").addInput("A").addInput("B")
                .addOutput(activation == null ? "Y" : "G");

        if (matmul) {
            node.setOpType("MatMul");
        } else {
            g.addInitializer(floats("C", random, n));
            node.setOpType("Gemm").addInput("C");
        }
        g.addNode(node);
        if (activation != null) {
            g.addNode(OnnxMl.NodeProto.newBuilder().setName("act").setOpType(activation).addInput("G").addOutput("Y"));
        }
        return MicroModels.model(g);
    }

    private byte[] pool(long n, long c, long hw, long k, long s, boolean max) {
        long out = (hw - k) / s + 1;
        if (n * c * out * out * k * k > drawCap || n * c * hw * hw > MAX_ACTIVATION) {
            return null;
        }
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("kernel-pool")
                .addInput(value("X", n, c, hw, hw)).addOutput(value("Y", n, c, out, out))
                .addNode(OnnxMl.NodeProto.newBuilder().setName("pool").setOpType(max ? "MaxPool" : "AveragePool")
                        .addInput("X").addOutput("Y").addAttribute(ints("kernel_shape", k, k))
                        .addAttribute(ints("strides", s, s)));
        return MicroModels.model(g);
    }

    private byte[] globalPool(long n, long c, long hw) {
        if (n * c * hw * hw > MAX_ACTIVATION) {
            return null;
        }
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("kernel-global-pool")
                .addInput(value("X", n, c, hw, hw)).addOutput(value("Y", n, c, 1, 1))
                .addNode(OnnxMl.NodeProto.newBuilder().setName("pool").setOpType("GlobalAveragePool")
                        .addInput("X").addOutput("Y"));
        return MicroModels.model(g);
    }

    /** An AveragePool (what the int8 quantizer turns into QLinearAveragePool; it passes a MaxPool through in fp32). */
    byte[] averagePool() {
        // the cap of this draw, not the one the last next() left behind
        drawCap = maxFlops;
        for (int attempt = 0; ; attempt++) {
            boolean small = attempt > 50;
            byte[] model = pool(small ? 1 : pick(BATCH), ch(small), small ? 14 : Math.max(14, pick(SPATIAL)),
                    pick(2, 3, 3), 2, false);
            if (model != null) {
                return model;
            }
        }
    }

    /**
     * A MaxPool behind a 1x1 depthwise conv, as an int8 network has it: through the quantizer the conv
     * is a QLinearConv and the pool a uint8 MaxPool, which ONNX Runtime runs in NHWC beside the conv. A
     * uint8 MaxPool on a graph input stays NCHW, where ONNX Runtime's generic pool took 8.5 ms for
     * 512 x 56 x 56, and squeezenet's three NHWC pools take 0.1 ms in the network. The depthwise conv
     * costs about what the pool does, so the pool keeps its share of the run.
     */
    byte[] maxPoolAfterConv() {
        for (int attempt = 0; ; attempt++) {
            boolean small = attempt > 50;
            long n = small ? 1 : pick(BATCH);
            long c = Math.max(2, ch(small));
            long hw = small ? 14 : Math.max(14, pick(SPATIAL));
            long k = pick(2, 3, 3);
            long out = (hw - k) / 2 + 1;
            if (n * c * hw * hw > MAX_ACTIVATION || 2 * n * c * hw * hw + n * c * out * out * k * k > maxFlops) {
                continue;
            }
            OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("kernel-conv-pool")
                    .addInput(value("X", n, c, hw, hw))
                    .addInitializer(floats("W", random, c, 1, 1, 1))
                    .addInitializer(floats("B", random, c))
                    .addNode(OnnxMl.NodeProto.newBuilder().setName("conv").setOpType("Conv").addInput("X")
                            .addInput("W").addInput("B").addOutput("C").addAttribute(ints("kernel_shape", 1, 1))
                            .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("group").setI(c)
                                    .setType(OnnxMl.AttributeProto.AttributeType.INT)))
                    .addNode(OnnxMl.NodeProto.newBuilder().setName("pool").setOpType("MaxPool").addInput("C")
                            .addOutput("Y").addAttribute(ints("kernel_shape", k, k)).addAttribute(ints("strides", 2, 2)))
                    .addOutput(value("Y", n, c, out, out));
            return MicroModels.model(g);
        }
    }

    /** A Concat of 1x1 depthwise convs' outputs (what an int8 network runs as QLinearConcat). */
    byte[] concatAfterConvs() {
        for (int attempt = 0; ; attempt++) {
            boolean small = attempt > 50;
            byte[] model = concat(small ? 1 : pick(BATCH), small ? 7 : pick(SPATIAL), small, true);
            if (model != null) {
                return model;
            }
        }
    }

    /** A residual-style Add of two activations (what an int8 network runs as QLinearAdd). */
    byte[] add() {
        for (int attempt = 0; ; attempt++) {
            boolean small = attempt > 50;
            byte[] model = elementwise(small ? 1 : pick(BATCH), ch(small), small ? 7 : pick(SPATIAL), "Add");
            if (model != null) {
                return model;
            }
        }
    }

    private byte[] elementwise(long n, long c, long hw) {
        String op = switch (random.nextInt(5)) {
            case 0 -> "Add";
            case 1 -> "Mul";
            case 2 -> "Relu";
            case 3 -> "Sigmoid";
            default -> "Add";
        };
        return elementwise(n, c, hw, op);
    }

    private byte[] elementwise(long n, long c, long hw, String op) {
        if (n * c * hw * hw > MAX_ACTIVATION) {
            return null;
        }
        boolean binary = op.equals("Add") || op.equals("Mul");
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("kernel-elementwise")
                .addInput(value("X", n, c, hw, hw)).addOutput(value("Y", n, c, hw, hw));
        OnnxMl.NodeProto.Builder node = OnnxMl.NodeProto.newBuilder().setName("op").setOpType(op).addInput("X")
                .addOutput("Y");
        if (binary) {
            g.addInput(value("Z", n, c, hw, hw));
            node.addInput("Z");
        }
        return MicroModels.model(g.addNode(node));
    }

    private byte[] rows(long rows, long cols, String kind) {
        if (rows * cols > MAX_ACTIVATION) {
            return null;
        }
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("kernel-" + kind)
                .addInput(value("X", rows, cols)).addOutput(value("Y", rows, cols));
        OnnxMl.NodeProto.Builder node = OnnxMl.NodeProto.newBuilder().setName("op").addInput("X").addOutput("Y")
                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("axis").setI(-1)
                        .setType(OnnxMl.AttributeProto.AttributeType.INT));
        if (kind.equals("Softmax")) {
            node.setOpType("Softmax");
        } else {
            g.addInitializer(floats("scale", random, cols)).addInitializer(floats("bias", random, cols));
            node.setOpType("LayerNormalization").addInput("scale").addInput("bias");
        }
        return MicroModels.model(g.addNode(node));
    }

    private byte[] concat(long n, long hw, boolean small) {
        return concat(n, hw, small, false);
    }

    /**
     * A channel Concat of 2 to 4 inputs; with {@code afterConvs} each input comes through a 1x1 depthwise
     * conv and another reads the result, as in squeezenet's fire modules: through the int8 quantizer that
     * Concat is a QLinearConcat (a Concat of graph inputs, or of a graph output, stays fp32).
     */
    private byte[] concat(long n, long hw, boolean small, boolean afterConvs) {
        int parts = small ? 2 : 2 + random.nextInt(3);
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("kernel-concat");
        OnnxMl.NodeProto.Builder node = OnnxMl.NodeProto.newBuilder().setName("concat").setOpType("Concat")
                .addOutput("Y").addAttribute(OnnxMl.AttributeProto.newBuilder().setName("axis").setI(1)
                        .setType(OnnxMl.AttributeProto.AttributeType.INT));
        long total = 0;
        for (int i = 0; i < parts; i++) {
            long c = ch(small);
            total += c;
            g.addInput(value("X" + i, n, c, hw, hw));
            if (afterConvs) {
                g.addInitializer(floats("W" + i, random, c, 1, 1, 1)).addInitializer(floats("B" + i, random, c))
                        .addNode(OnnxMl.NodeProto.newBuilder().setName("conv" + i).setOpType("Conv")
                                .addInput("X" + i).addInput("W" + i).addInput("B" + i).addOutput("C" + i)
                                .addAttribute(ints("kernel_shape", 1, 1))
                                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("group").setI(c)
                                        .setType(OnnxMl.AttributeProto.AttributeType.INT)));
            }
            node.addInput((afterConvs ? "C" : "X") + i);
        }
        if (n * total * hw * hw > MAX_ACTIVATION) {
            return null;
        }
        if (afterConvs) {
            // and a conv reads it: the quantizer quantizes a Concat's output only for a quantized consumer
            node.setOutput(0, "J");
            g.addInitializer(floats("WJ", random, total, 1, 1, 1)).addInitializer(floats("BJ", random, total))
                    .addNode(OnnxMl.NodeProto.newBuilder().setName("conv_joined").setOpType("Conv").addInput("J")
                            .addInput("WJ").addInput("BJ").addOutput("Y").addAttribute(ints("kernel_shape", 1, 1))
                            .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("group").setI(total)
                                    .setType(OnnxMl.AttributeProto.AttributeType.INT)));
        }
        return MicroModels.model(g.addNode(node).addOutput(value("Y", n, total, hw, hw)));
    }

    private long ch(boolean small) {
        if (small) {
            return 8;
        }
        long c = random.nextInt(4) > 0 ? pick(CHANNELS) : Math.round(Math.exp(random.nextDouble() * Math.log(512)));
        // the int8 quantizer keeps convs with fewer than 8 filters in fp32 (StaticQuantizer.MIN_INT8_CONV_FILTERS)
        return clampsOnly ? Math.max(8, c) : c;
    }

    /** The activation after a conv: the clamps most CNNs use, the transcendentals older ones use, or none. */
    private String activation() {
        return clampsOnly ? pick("Relu", "Clip", null) : pick("Relu", "Relu", "Relu", "Clip", "Clip", null, null, "Tanh", "Sigmoid");
    }

    private String pick(String... values) {
        return values[random.nextInt(values.length)];
    }

    private long stride() {
        return pick(1, 1, 2);
    }

    private long pick(long... values) {
        return values[random.nextInt(values.length)];
    }

    private static OnnxMl.TensorProto scalar(String name, float v) {
        return OnnxMl.TensorProto.newBuilder().setName(name).setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
                .addFloatData(v).build();
    }
}
