package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.edgeperf.core.onnx.Tensors;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * fp16 weight storage: every float initializer with at least {@link #MIN_ELEMENTS} values is stored as
 * FLOAT16 and a {@code Cast(to=FLOAT)} node recreates the original tensor name at use.
 *
 * <p>Why weight-only and not a whole fp16 graph: ONNX Runtime's CPU provider has fp16 kernels for few
 * op types, so an fp16 graph would fall back or fail to load. With weight-only storage the file halves
 * and the graph keeps fp32 compute; ORT constant-folds the Casts at session creation, so latency is
 * that of the baseline (the executed-kernel list shows fp32 kernels, honestly).
 */
final class Fp16Converter {
    static final int MIN_ELEMENTS = 16;

    private Fp16Converter() {
    }

    static TransformResult apply(ModelProto model) {
        GraphProto g = model.getGraph();
        Set<String> graphInputs = new HashSet<>();
        for (ValueInfoProto v : g.getInputList()) {
            graphInputs.add(v.getName());
        }
        Graphs.Names names = new Graphs.Names(g);
        List<String> notes = new ArrayList<>();
        GraphProto.Builder out = g.toBuilder().clearInitializer().clearNode();
        List<NodeProto> casts = new ArrayList<>();
        for (TensorProto t : g.getInitializerList()) {
            // An initializer that is also a graph input may be overridden at run time, so it stays float.
            if (!Tensors.isFloat(t) || Tensors.elementCount(t) < MIN_ELEMENTS || graphInputs.contains(t.getName())) {
                out.addInitializer(t);
                continue;
            }
            String half = names.fresh(t.getName() + "_fp16");
            out.addInitializer(Tensors.fp16Tensor(half, Tensors.dims(t), Tensors.floats(t)));
            casts.add(Graphs.node("Cast", names.fresh(t.getName() + "_to_float"), List.of(half),
                    List.of(t.getName()), Graphs.intAttribute("to", TensorProto.DataType.FLOAT_VALUE)));
        }
        out.addAllNode(casts).addAllNode(g.getNodeList());
        notes.add("fp16 weight storage with Cast to float at use; compute stays fp32 on the CPU provider");
        return new TransformResult(model.toBuilder().setGraph(out).build(), notes);
    }
}
