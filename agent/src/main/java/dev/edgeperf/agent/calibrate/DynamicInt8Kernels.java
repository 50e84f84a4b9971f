package dev.edgeperf.agent.calibrate;

import static dev.edgeperf.agent.calibrate.MicroModels.value;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.edgeperf.core.onnx.OnnxModels;
import dev.edgeperf.core.predict.kernel.KernelType;
import dev.edgeperf.core.variants.TransformResult;
import dev.edgeperf.core.variants.VariantRecipe;
import dev.edgeperf.core.variants.VariantTransforms;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Single-kernel models of the kernels a dynamic int8 variant runs. Conv, pointwise conv and gemm are
 * the fp32 models of {@link KernelModels} passed through edgeperf's own {@code quantized:int8-dynamic}
 * transform, so ONNX Runtime fuses them into exactly the kernels a variant of a user's model gets: a
 * ConvInteger between a DynamicQuantizeLinear and the fp32 Cast / rescale Mul / bias Add (and the
 * activation), or one DynamicQuantizeMatMul. Calibration subtracts the kernels around the ConvInteger,
 * so the two it needs for that come first: DynamicQuantizeLinear and the Cast of the int32 result
 * ("elementwise/int32"), both generated directly. Depthwise convs stay fp32 in that transform.
 */
final class DynamicInt8Kernels {
    /** Kinds measured, in calibration order (the ConvInteger samples subtract the first two). */
    static final List<KernelType> TYPES = List.of(KernelType.DYNAMIC_QUANTIZE, KernelType.ELEMENTWISE,
            KernelType.CONV, KernelType.CONV_POINTWISE, KernelType.GEMM);
    private static final long[] CHANNELS = {8, 16, 32, 64, 96, 128, 256, 512};
    private static final long[] SPATIAL = {7, 14, 28, 56, 112};
    private static final long[] BATCH = {1, 1, 2, 8};
    private static final VariantRecipe INT8_DYNAMIC = VariantRecipe.parse("quantized:int8-dynamic");

    private final KernelModels fp32;
    private final SplittableRandom random;

    DynamicInt8Kernels(KernelModels fp32, long seed) {
        this.fp32 = fp32;
        this.random = new SplittableRandom(seed);
    }

    /** The next model of this kind (serialized ONNX). */
    byte[] next(KernelType type) {
        return switch (type) {
            case DYNAMIC_QUANTIZE -> dynamicQuantize(shape());
            case ELEMENTWISE -> castInt32(shape());
            case CONV, CONV_POINTWISE, GEMM -> quantized(type);
            default -> throw new IllegalArgumentException(type.key() + " is not calibrated as dynamic int8");
        };
    }

    /**
     * The fp32 model through {@code quantized:int8-dynamic}; a conv with too few filters, which the
     * transform leaves fp32, is drawn again.
     */
    private byte[] quantized(KernelType type) {
        for (int attempt = 0; ; attempt++) {
            OnnxMl.ModelProto m = OnnxModels.parse(fp32.next(type), "kernel-" + type.key());
            TransformResult r = VariantTransforms.apply(m, INT8_DYNAMIC, null, null);
            if (!r.noop() || attempt >= 20) {
                return r.model().toByteArray();
            }
        }
    }

    private byte[] dynamicQuantize(long[] shape) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("kernel-dynamic-quantize")
                .addInput(value("X", shape)).addOutput(value("Y", DataType.UINT8, shape))
                .addOutput(value("scale", new long[0])).addOutput(value("zero", DataType.UINT8, new long[0]))
                .addNode(OnnxMl.NodeProto.newBuilder().setName("dql").setOpType("DynamicQuantizeLinear")
                        .addInput("X").addOutput("Y").addOutput("scale").addOutput("zero"));
        return MicroModels.model(g);
    }

    /** The Cast of a ConvInteger's int32 accumulator to fp32. */
    private byte[] castInt32(long[] shape) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("kernel-cast-int32")
                .addInput(value("X", DataType.INT32, shape)).addOutput(value("Y", shape))
                .addNode(OnnxMl.NodeProto.newBuilder().setName("cast").setOpType("Cast").addInput("X")
                        .addOutput("Y").addAttribute(OnnxMl.AttributeProto.newBuilder().setName("to")
                                .setI(DataType.FLOAT_VALUE).setType(OnnxMl.AttributeProto.AttributeType.INT)));
        return MicroModels.model(g);
    }

    /** An activation shape {n, c, hw, hw} under the cap. */
    private long[] shape() {
        while (true) {
            long[] s = {pick(BATCH), pick(CHANNELS), 0, 0};
            s[2] = s[3] = pick(SPATIAL);
            if (s[0] * s[1] * s[2] * s[3] <= KernelModels.MAX_ACTIVATION) {
                return s;
            }
        }
    }

    private long pick(long... values) {
        return values[random.nextInt(values.length)];
    }
}
