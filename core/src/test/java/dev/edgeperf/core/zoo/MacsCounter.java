package dev.edgeperf.core.zoo;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Conv and Gemm multiply-accumulates at batch 1, computed independently of the zoo's own shape
 * bookkeeping and of the project's profiler: every Conv/Gemm output is exposed as a graph output,
 * ONNX Runtime runs the model, and the real output shapes give MACs = output elements x
 * (input channels per group x kernel area) for Conv and out x in for Gemm.
 */
final class MacsCounter {
    private MacsCounter() {
    }

    static long convGemmMacs(ModelProto model) throws OrtException {
        GraphProto.Builder graph = model.getGraph().toBuilder();
        Map<String, TensorProto> weights = new HashMap<>();
        graph.getInitializerList().forEach(t -> weights.put(t.getName(), t));
        Map<String, NodeProto> probed = new HashMap<>();
        for (NodeProto node : graph.getNodeList()) {
            if ((node.getOpType().equals("Conv") || node.getOpType().equals("Gemm"))
                    && !node.getOutput(0).equals(GraphBuilder.OUTPUT)) {
                probed.put(node.getOutput(0), node);
                graph.addOutput(ValueInfoProto.newBuilder().setName(node.getOutput(0)).setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))));
            }
        }
        graph.getNodeList().stream().filter(n -> n.getOutput(0).equals(GraphBuilder.OUTPUT)
                && (n.getOpType().equals("Conv") || n.getOpType().equals("Gemm"))).forEach(n -> probed.put(n.getOutput(0), n));
        byte[] bytes = model.toBuilder().setGraph(graph).build().toByteArray();
        long[] inputShape = ZooModelChecks.inputShape(model, 1);
        float[] input = new float[Math.toIntExact(Arrays.stream(inputShape).reduce(1, Math::multiplyExact))];
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long macs = 0;
        try (OrtSession session = env.createSession(bytes, new OrtSession.SessionOptions());
             OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), inputShape);
             OrtSession.Result result = session.run(Map.of(GraphBuilder.INPUT, tensor))) {
            for (Map.Entry<String, OnnxValue> output : result) {
                NodeProto node = probed.get(output.getKey());
                if (node == null) {
                    continue;
                }
                long[] outShape = ((OnnxTensor) output.getValue()).getInfo().getShape();
                long outElements = Arrays.stream(outShape).reduce(1, Math::multiplyExact);
                long[] w = weights.get(node.getInput(1)).getDimsList().stream().mapToLong(Long::longValue).toArray();
                // Conv weight is [out, in/group, kh, kw]; Gemm weight (transB) is [out, in]
                long perOutput = Arrays.stream(w, 1, w.length).reduce(1, Math::multiplyExact);
                macs += outElements * perOutput;
            }
        }
        return macs;
    }
}
