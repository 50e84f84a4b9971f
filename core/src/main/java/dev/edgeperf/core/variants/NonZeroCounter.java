package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.edgeperf.core.cost.ParameterCounter;
import dev.edgeperf.core.onnx.OnnxGraph;
import dev.edgeperf.core.onnx.Tensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

/**
 * How many of a model's parameters are non-zero, for the variant records: the parameters are those
 * of the one parameter-count rule ({@link ParameterCounter}), whatever their storage type (float,
 * fp16, int8, int32 bias, uint8 cluster indices).
 */
final class NonZeroCounter {
    private NonZeroCounter() {
    }

    /**
     * {total, nonZero} parameters of a model. A cluster index counts as zero when its codebook
     * entry is exactly 0.
     */
    static long[] count(ModelProto model, String source) {
        OnnxGraph graph = OnnxGraph.of(model, source);
        ParameterCounter.Counts counts = ParameterCounter.count(graph);
        Map<String, String> codebooks = ParameterCounter.codebooks(graph);
        long nonZero = 0;
        for (String name : counts.parameters()) {
            TensorProto t = counts.tensors().get(name);
            long n = Tensors.elementCount(t);
            String cb = codebooks.get(name);
            if (cb != null && t.getRawData().size() >= n) {
                float[] book = Tensors.floats(graph.constant(cb));
                ByteBuffer b = t.getRawData().asReadOnlyByteBuffer();
                for (int i = 0; i < n; i++) {
                    int index = b.get(i) & 0xff;
                    nonZero += index < book.length && book[index] != 0f ? 1 : 0;
                }
            } else {
                nonZero += nonZero(t, n);
            }
        }
        return new long[] {counts.total(), nonZero};
    }

    /** Non-zero values of a tensor of {@code n} elements, any storage type. */
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
