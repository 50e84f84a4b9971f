package dev.edgeperf.agent.calibrate;

import static dev.edgeperf.agent.calibrate.MicroModels.ints;
import static dev.edgeperf.agent.calibrate.MicroModels.value;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import dev.edgeperf.core.onnx.OnnxModels;
import dev.edgeperf.core.predict.kernel.KernelType;
import dev.edgeperf.core.variants.CalibrationData;
import dev.edgeperf.core.variants.OrtRunner;
import dev.edgeperf.core.variants.VariantRecipe;
import dev.edgeperf.core.variants.VariantTransforms;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Single-kernel models of the int8 kernels a static int8 variant runs. Kernels with weights or a
 * requantized output (conv, pointwise, depthwise, gemm, the residual Add, global pooling) are the fp32
 * models of {@link KernelModels} with a Reshape behind the kernel (so its output is an inner tensor,
 * as in a real network, and gets quantized), passed through edgeperf's own {@code quantized:int8-static}
 * transform: the kernel ONNX Runtime fuses from them is exactly the one a variant of a user's model
 * gets. Those models also run a QuantizeLinear at their input and a DequantizeLinear at their output
 * (and the weightless kinds a tiny side conv), which calibration measures on their own and subtracts.
 * Pooling is either a MaxPool behind a 1x1 depthwise conv through the quantizer (a uint8 MaxPool that
 * ONNX Runtime runs in NHWC beside the QLinearConv, as in a network; {@link KernelModels#maxPoolAfterConv})
 * or an AveragePool through the quantizer (QLinearAveragePool, several times slower per element).
 */
final class Int8Kernels {
    /** Kinds measured on int8 data, in calibration order (quantize and dequantize first: the others subtract them). */
    static final List<KernelType> TYPES = List.of(KernelType.QUANTIZE, KernelType.DEQUANTIZE, KernelType.CONV,
            KernelType.CONV_POINTWISE, KernelType.CONV_DEPTHWISE, KernelType.GEMM, KernelType.ELEMENTWISE,
            KernelType.GLOBAL_POOL, KernelType.POOL, KernelType.CONCAT);
    private static final long[] CHANNELS = {8, 16, 32, 64, 96, 128, 256, 512};
    private static final long[] SPATIAL = {7, 14, 28, 56, 112};
    private static final VariantRecipe INT8_STATIC = VariantRecipe.parse("quantized:int8-static");

    private final KernelModels fp32;
    private final SplittableRandom random;
    private final OrtRunner runner = new OrtRunner(1);

    Int8Kernels(KernelModels fp32, long seed) {
        this.fp32 = fp32.forInt8(seed);
        this.random = new SplittableRandom(seed);
    }

    /** The next int8 model of this kind (serialized ONNX). */
    byte[] next(KernelType type) {
        return switch (type) {
            case QUANTIZE -> quantize(pick(CHANNELS), pick(SPATIAL));
            case DEQUANTIZE -> dequantize(pick(CHANNELS), pick(SPATIAL));
            // a MaxPool behind a conv (uint8 and NHWC, as in a network), or an AveragePool through the quantizer
            // (QLinearAveragePool)
            case POOL -> random.nextBoolean() ? quantized(fp32.maxPoolAfterConv(), false)
                    : quantized(fp32.averagePool(), true);
            case CONV, CONV_POINTWISE, CONV_DEPTHWISE, GEMM -> quantized(fp32.next(type), false);
            case GLOBAL_POOL -> quantized(fp32.next(type), true);
            case ELEMENTWISE -> quantized(fp32.add(), true);
            case CONCAT -> quantized(fp32.concatAfterConvs(), false);
            default -> throw new IllegalArgumentException(type.key() + " is not calibrated on int8 data");
        };
    }

    /**
     * The fp32 single-kernel model, a Reshape behind its output, through {@code quantized:int8-static}.
     * {@code sideConv} adds a tiny 1x1 conv on an input of its own: the quantizer leaves a model without
     * a weighted op unchanged, and a weightless kernel (Add, pooling) is what is measured here.
     */
    private byte[] quantized(byte[] model, boolean sideConv) {
        OnnxMl.ModelProto m = OnnxModels.parse(model, "kernel");
        OnnxMl.GraphProto.Builder g = m.getGraph().toBuilder();
        OnnxMl.ValueInfoProto out = g.getOutput(0);
        long rows = out.getType().getTensorType().getShape().getDim(0).getDimValue();
        g.setOutput(0, value("flat", rows, -1)).addInitializer(OnnxMl.TensorProto.newBuilder().setName("flat_shape")
                .setDataType(DataType.INT64_VALUE).addDims(2).addInt64Data(rows).addInt64Data(-1))
                .addNode(OnnxMl.NodeProto.newBuilder().setName("flatten").setOpType("Reshape")
                        .addInput(out.getName()).addInput("flat_shape").addOutput("flat"));
        if (sideConv) {
            // behind a Reshape too, so the side conv is a QLinearConv, not an fp32 conv on dequantized weights
            g.addInput(value("side_x", rows, 8, 1, 1)).addOutput(value("side_flat", rows, -1))
                    .addInitializer(MicroModels.floats("side_w", random, 8, 8, 1, 1))
                    .addNode(OnnxMl.NodeProto.newBuilder().setName("side").setOpType("Conv").addInput("side_x")
                            .addInput("side_w").addOutput("side_y").addAttribute(ints("kernel_shape", 1, 1)))
                    .addNode(OnnxMl.NodeProto.newBuilder().setName("side_flatten").setOpType("Reshape")
                            .addInput("side_y").addInput("flat_shape").addOutput("side_flat"));
        }
        OnnxMl.ModelProto withTail = m.toBuilder().setGraph(g).build();
        CalibrationData data = CalibrationData.random(withTail, rows, 1, 2, random.nextLong());
        return VariantTransforms.apply(withTail, INT8_STATIC, data, runner).model().toByteArray();
    }

    private byte[] quantize(long c, long hw) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("kernel-quantize")
                .addInput(value("X", 1, c, hw, hw)).addOutput(value("Y", DataType.UINT8, 1, c, hw, hw))
                .addNode(OnnxMl.NodeProto.newBuilder().setName("q").setOpType("QuantizeLinear").addInput("X")
                        .addInput("scale").addInput("zero").addOutput("Y"));
        return MicroModels.model(withScale(g));
    }

    private byte[] dequantize(long c, long hw) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("kernel-dequantize")
                .addInput(value("X", DataType.UINT8, 1, c, hw, hw)).addOutput(value("Y", 1, c, hw, hw))
                .addNode(OnnxMl.NodeProto.newBuilder().setName("dq").setOpType("DequantizeLinear").addInput("X")
                        .addInput("scale").addInput("zero").addOutput("Y"));
        return MicroModels.model(withScale(g));
    }

    /** The per-tensor scale and uint8 zero point edgeperf's quantizer writes for activations. */
    private static OnnxMl.GraphProto.Builder withScale(OnnxMl.GraphProto.Builder g) {
        return g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("scale").setDataType(DataType.FLOAT_VALUE)
                        .addFloatData(0.02f))
                .addInitializer(OnnxMl.TensorProto.newBuilder().setName("zero").setDataType(DataType.UINT8_VALUE)
                        .setRawData(ByteString.copyFrom(new byte[] {(byte) 128})));
    }

    private long pick(long... values) {
        return values[random.nextInt(values.length)];
    }
}
