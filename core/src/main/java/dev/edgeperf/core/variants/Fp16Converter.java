package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.edgeperf.core.onnx.Half;
import dev.edgeperf.core.onnx.Tensors;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * fp16 weight storage: every float initializer with at least {@link #MIN_ELEMENTS} values is stored as
 * FLOAT16 and a {@code Cast(to=FLOAT)} node recreates the original tensor name at use.
 *
 * <p>Why weight-only and not a whole fp16 graph: ONNX Runtime's CPU provider has fp16 kernels for few
 * op types, so an fp16 graph would fall back or fail to load. With weight-only storage the file halves
 * and the graph keeps fp32 compute; ORT constant-folds the Casts at session creation, so latency is
 * that of the baseline (the executed-kernel list shows fp32 kernels, honestly).
 *
 * <p>Tensors fp16 cannot hold stay fp32 under their own name (so every consumer still reads a float
 * tensor and the graph stays type-correct without a Cast), each with a note saying why — the rule of
 * onnxconverter-common's float16 converter, which keeps such nodes in fp32 behind Casts:
 * <ul>
 *   <li>a value with |x| > {@link #FP16_MAX} would become inf (a BatchNormalization variance above it
 *       turns the layer's output into zeros);</li>
 *   <li>values below fp16's normal range (|x| < 2⁻¹⁴ ≈ 6.1e-5) lose precision as subnormals and flush to
 *       0 below 2⁻²⁵; this matters when they carry a visible part of the tensor — more than
 *       {@link #MAX_RELATIVE_ERROR} of its L2 norm, which fp16 rounding of normal values (≤ 2⁻¹¹ relative)
 *       never reaches — or when the tensor is a divisor (Div's B, Reciprocal) and a non-zero value would
 *       become 0.</li>
 * </ul>
 */
final class Fp16Converter {
    static final int MIN_ELEMENTS = 16;
    /** Largest finite binary16 value. */
    static final float FP16_MAX = 65504f;
    /** Relative L2 error of the fp16 round trip above which a tensor stays fp32 (normal rounding gives ≤ 4.9e-4). */
    static final double MAX_RELATIVE_ERROR = 1e-3;

    private Fp16Converter() {
    }

    static TransformResult apply(ModelProto model) {
        GraphProto g = model.getGraph();
        Set<String> graphInputs = new HashSet<>();
        for (ValueInfoProto v : g.getInputList()) {
            graphInputs.add(v.getName());
        }
        Set<String> divisors = divisors(g);
        Graphs.Names names = new Graphs.Names(g);
        List<String> kept = new ArrayList<>();
        GraphProto.Builder out = g.toBuilder().clearInitializer().clearNode();
        List<NodeProto> casts = new ArrayList<>();
        for (TensorProto t : g.getInitializerList()) {
            // An initializer that is also a graph input may be overridden at run time, so it stays float.
            if (!Tensors.isFloat(t) || Tensors.elementCount(t) < MIN_ELEMENTS || graphInputs.contains(t.getName())) {
                out.addInitializer(t);
                continue;
            }
            float[] values = Tensors.floats(t);
            String reason = reasonToKeepFp32(values, divisors.contains(t.getName()));
            if (reason != null) {
                kept.add(t.getName() + ": kept fp32, " + reason);
                out.addInitializer(t);
                continue;
            }
            String half = names.fresh(t.getName() + "_fp16");
            out.addInitializer(Tensors.fp16Tensor(half, Tensors.dims(t), values));
            casts.add(Graphs.node("Cast", names.fresh(t.getName() + "_to_float"), List.of(half),
                    List.of(t.getName()), Graphs.intAttribute("to", TensorProto.DataType.FLOAT_VALUE)));
        }
        out.addAllNode(casts).addAllNode(g.getNodeList());
        List<String> notes = new ArrayList<>();
        notes.add("fp16 weight storage with Cast to float at use for " + casts.size() + " initializer(s); compute"
                + " stays fp32 on the CPU provider" + (kept.isEmpty() ? ""
                        : "; " + kept.size() + " kept fp32 because fp16 cannot hold their values"));
        notes.addAll(kept);
        if (casts.isEmpty()) {
            return TransformResult.noop(model, notes, "no float initializer of " + MIN_ELEMENTS
                    + "+ values that fp16 can hold");
        }
        return new TransformResult(model.toBuilder().setGraph(out).build(), notes);
    }

    /**
     * Why {@code values} cannot be stored as fp16 without changing results, or null when they can.
     *
     * @param divisor whether the tensor divides (a value flushed to 0 would give inf)
     */
    static String reasonToKeepFp32(float[] values, boolean divisor) {
        double maxAbs = 0;
        int over = 0;
        int flushed = 0;
        int subnormal = 0;
        double norm = 0;
        double error = 0;
        for (float v : values) {
            if (!Float.isFinite(v)) {
                continue; // inf/NaN are inf/NaN in fp16 too: storing them changes nothing
            }
            float a = Math.abs(v);
            maxAbs = Math.max(maxAbs, a);
            if (a > FP16_MAX) {
                over++;
                continue;
            }
            float back = Half.toFloat(Half.fromFloat(v));
            if (v != 0 && back == 0) {
                flushed++;
            }
            if (v != 0 && a < 0x1p-14f) {
                subnormal++;
            }
            norm += (double) v * v;
            error += ((double) v - back) * ((double) v - back);
        }
        if (over > 0) {
            return String.format(Locale.ROOT, "%d of %d values exceed fp16's largest value %.0f (|x| up to %.4g)"
                    + " and would become inf", over, values.length, FP16_MAX, maxAbs);
        }
        if (divisor && flushed > 0) {
            return String.format(Locale.ROOT, "it divides and %d of %d non-zero values are below fp16's smallest"
                    + " subnormal (6e-8): they would become 0", flushed, values.length);
        }
        double relative = norm == 0 ? 0 : Math.sqrt(error / norm);
        if (relative > MAX_RELATIVE_ERROR) {
            return String.format(Locale.ROOT, "%d of %d values are below fp16's normal range (|x| < 6.1e-5; %d would"
                    + " become 0): fp16 would change the tensor by %.2g of its norm (rounding alone: < 4.9e-4)",
                    subnormal, values.length, flushed, relative);
        }
        return null;
    }

    /** Tensors that a node divides by: Div's second input, Reciprocal's input. */
    private static Set<String> divisors(GraphProto g) {
        Set<String> d = new HashSet<>();
        for (NodeProto n : g.getNodeList()) {
            if (n.getDomain().isEmpty() && n.getOpType().equals("Div") && n.getInputCount() > 1) {
                d.add(n.getInput(1));
            } else if (n.getDomain().isEmpty() && n.getOpType().equals("Reciprocal") && n.getInputCount() > 0) {
                d.add(n.getInput(0));
            }
        }
        return d;
    }
}
