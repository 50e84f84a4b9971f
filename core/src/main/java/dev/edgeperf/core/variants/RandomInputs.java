package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.edgeperf.core.CheckedMath;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.onnx.InputDims;
import dev.edgeperf.core.onnx.IntegerInputs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Random batches that fit every graph input of a model: float inputs uniform in [0, 1); int64 inputs
 * by the rule the agent feeds them with too ({@link IntegerInputs}): token ids uniform over their
 * embedding table's rows, masks ones, token types zeros.
 */
final class RandomInputs {
    private RandomInputs() {
    }

    /** See {@link CalibrationData#random(ModelProto, long, long, int, long)}. */
    static CalibrationData of(ModelProto model, long batch, long freeDim, int batches, long seed) {
        if (freeDim < 1) {
            throw new IllegalArgumentException("free dimension must be >= 1");
        }
        return of(model, batch, Map.of(), Map.of(), freeDim, batches, seed);
    }

    /** See {@link CalibrationData#random(ModelProto, long, Map, Map, long, int, long)}. */
    static CalibrationData of(ModelProto model, long batch, Map<String, long[]> shapes, Map<String, Long> dims,
            long freeDim, int batches, long seed) {
        if (batch < 1 || freeDim < 0 || batches < 1) {
            throw new IllegalArgumentException("batch and batches must be >= 1, free dimension >= 0");
        }
        ModelProto normalized = Graphs.normalize(model);
        GraphProto g = normalized.getGraph();
        Map<String, TensorProto> inits = Graphs.initializers(g);
        List<ValueInfoProto> fed = g.getInputList().stream().filter(v -> !inits.containsKey(v.getName())).toList();
        if (fed.isEmpty()) {
            throw EdgeperfException.userError("model '" + g.getName() + "' has no graph input; expected at least one");
        }
        for (ValueInfoProto v : fed) {
            if (v.getType().getTensorType().getShape().getDimCount() == 0 && !shapes.containsKey(v.getName())) {
                throw EdgeperfException.userError("model '" + g.getName() + "' input '" + v.getName()
                        + "' has no shape; expected a tensor input with a batch dimension");
            }
        }
        Map<String, long[]> resolved = InputDims.resolve("model '" + g.getName() + "'",
                fed.stream().map(InputDims.Declared::of).toList(), batch, shapes, dims, freeDim);
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, IntegerInputs.Rule> rules = IntegerInputs.rules(normalized);
        List<InputBatch> list = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            List<InputBatch.Feed> feeds = new ArrayList<>();
            for (ValueInfoProto v : fed) {
                feeds.add(feed(g, rules, v, resolved.get(v.getName()), rnd));
            }
            list.add(new InputBatch(feeds, null));
        }
        return CalibrationData.of(list);
    }

    private static InputBatch.Feed feed(GraphProto g, Map<String, IntegerInputs.Rule> rules, ValueInfoProto v,
            long[] shape, SplittableRandom rnd) {
        int n = elementsOf(g, v, shape);
        int type = v.getType().getTensorType().getElemType();
        if (type == DataType.FLOAT_VALUE) {
            float[] f = new float[n];
            for (int i = 0; i < n; i++) {
                f[i] = (float) rnd.nextDouble();
            }
            return new InputBatch.Feed(v.getName(), shape, f, null);
        }
        if (type == DataType.INT64_VALUE) {
            IntegerInputs.Rule rule = rules.getOrDefault(v.getName(), IntegerInputs.DEFAULT);
            long[] ids = new long[n];
            for (int i = 0; i < n; i++) {
                ids[i] = rule.next(rnd);
            }
            return new InputBatch.Feed(v.getName(), shape, null, ids);
        }
        throw EdgeperfException.userError("model '" + g.getName() + "' input '" + v.getName() + "' has element type "
                + DataType.forNumber(type) + "; random inputs support float and int64 inputs");
    }

    /** Java arrays hold at most this many elements (a little under 2^31 - 1 on HotSpot). */
    static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private static int elementsOf(GraphProto g, ValueInfoProto v, long[] shape) {
        String what = "input '" + v.getName() + "' of model '" + g.getName() + "' at shape " + Arrays.toString(shape);
        long n;
        try {
            n = CheckedMath.elements(shape);
        } catch (EdgeperfException e) {
            throw EdgeperfException.userError(what + " has more elements than " + CheckedMath.LIMIT
                    + "; use smaller --dim or --input sizes or batch");
        }
        if (n > MAX_ELEMENTS) {
            throw EdgeperfException.userError(what + " has " + n + " elements; one random input holds at most "
                    + MAX_ELEMENTS + ": use smaller --dim or --input sizes or batch");
        }
        return (int) n;
    }
}
