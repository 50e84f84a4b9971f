package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.edgeperf.core.onnx.Tensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Counts model parameters the same way for every variant: weight and bias values, whatever their
 * storage type (float, fp16, int8, int32 bias, uint8 cluster indices), in initializers or Constant
 * nodes. Quantization scales and zero points, k-means codebooks and int64 shape tensors are metadata,
 * and rank-0 constants (epsilons, Clip bounds, the attention-mask minimum) are constants of the
 * formula, not parameters.
 */
final class ParamCounter {
    private ParamCounter() {
    }

    /** {total, nonZero}. A cluster index counts as zero when its codebook entry is exactly 0. */
    static long[] count(GraphProto graph) {
        GraphProto g = Graphs.normalize(graph);
        Map<String, TensorProto> inits = Graphs.initializers(g);
        Set<String> metadata = new HashSet<>();
        Map<String, String> castSource = new HashMap<>();
        Map<String, String> codebookOfIndices = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("QuantizeLinear") || n.getOpType().equals("DequantizeLinear")) {
                for (int i = 1; i < n.getInputCount(); i++) {
                    metadata.add(n.getInput(i));
                }
            } else if (n.getOpType().equals("Cast") && inits.containsKey(n.getInput(0))) {
                castSource.put(n.getOutput(0), n.getInput(0));
            }
        }
        // DynamicQuantizer's weight scales are multiplied with the activation scale at run time.
        Set<String> activationScales = new HashSet<>();
        for (NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("DynamicQuantizeLinear") && n.getOutputCount() > 1) {
                activationScales.add(n.getOutput(1));
            }
        }
        for (NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("Mul") && n.getInputList().stream().anyMatch(activationScales::contains)) {
                metadata.addAll(n.getInputList());
            }
            if (n.getOpType().equals("Gather") && inits.containsKey(n.getInput(0))) {
                String idx = castSource.get(n.getInput(1));
                if (idx != null && inits.get(idx).getDataType() == DataType.UINT8_VALUE) {
                    metadata.add(n.getInput(0));
                    codebookOfIndices.put(idx, n.getInput(0));
                }
            }
        }
        long total = 0;
        long nonZero = 0;
        for (TensorProto t : g.getInitializerList()) {
            boolean constantOfFormula = t.getDimsCount() == 0;
            if (metadata.contains(t.getName()) || t.getDataType() == DataType.INT64_VALUE || constantOfFormula) {
                continue;
            }
            long n = Tensors.elementCount(t);
            total += n;
            String cb = codebookOfIndices.get(t.getName());
            if (cb != null) {
                float[] book = Tensors.floats(inits.get(cb));
                ByteBuffer b = t.getRawData().asReadOnlyByteBuffer();
                for (int i = 0; i < n; i++) {
                    nonZero += book[b.get(i) & 0xff] != 0f ? 1 : 0;
                }
            } else {
                nonZero += nonZero(t, n);
            }
        }
        return new long[] {total, nonZero};
    }

    static long nonZero(TensorProto t, long n) {
        if (t.getDataType() == DataType.FLOAT_VALUE) {
            long c = 0;
            for (float v : Tensors.floats(t)) {
                c += v != 0f ? 1 : 0;
            }
            return c;
        }
        if (t.getRawData().isEmpty()) {
            return n; // typed-field storage of a non-float type: rare, counted as dense
        }
        ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        long c = 0;
        for (int i = 0; i < n; i++) {
            boolean nz = switch (t.getDataType()) {
                case DataType.FLOAT16_VALUE -> (b.getShort(i * 2) & 0x7fff) != 0;
                case DataType.INT32_VALUE -> b.getInt(i * 4) != 0;
                case DataType.DOUBLE_VALUE -> b.getDouble(i * 8) != 0;
                default -> b.get(i) != 0;
            };
            c += nz ? 1 : 0;
        }
        return c;
    }
}
