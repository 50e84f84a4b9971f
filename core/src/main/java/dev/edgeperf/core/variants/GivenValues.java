package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.onnx.ModelInputs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Random inputs sized and fed as the user gave them: every check that runs a model on made-up data uses it. */
final class GivenValues {
    private GivenValues() {
    }

    static CalibrationData random(ModelProto model, long batch, ModelInputs given, long freeDim, int batches,
            long seed) {
        // an input given one value (a sample rate) is a scalar, whatever shape the model declares for it
        Map<String, long[]> shapes = new LinkedHashMap<>(given.shapes());
        given.values().forEach((name, v) -> {
            if (v.length == 1) {
                shapes.putIfAbsent(name, new long[0]);
            }
        });
        return apply(RandomInputs.of(model, batch, shapes, given.dims(), freeDim, batches, seed), given.values());
    }

    /**
     * The data with the given input values fed instead ({@code sr=16000}): an input whose batch holds a
     * multiple of the values (the same values per sample) takes them repeated.
     *
     * @throws EdgeperfException USER_ERROR when an input's batch cannot hold the values given
     */
    static CalibrationData apply(CalibrationData data, Map<String, long[]> values) {
        if (values.isEmpty()) {
            return data;
        }
        List<InputBatch> out = new ArrayList<>();
        for (InputBatch b : data) {
            List<InputBatch.Feed> feeds = new ArrayList<>();
            for (InputBatch.Feed f : b.inputs()) {
                long[] v = values.get(f.name());
                if (v == null) {
                    feeds.add(f);
                    continue;
                }
                long count = Arrays.stream(f.shape()).reduce(1, Math::multiplyExact);
                if (count % v.length != 0) {
                    throw EdgeperfException.userError("input '" + f.name() + "' of shape " + Arrays.toString(f.shape())
                            + " cannot be fed the " + v.length + " value(s) given for it");
                }
                long[] repeated = new long[Math.toIntExact(count)];
                for (int i = 0; i < repeated.length; i++) {
                    repeated[i] = v[i % v.length];
                }
                feeds.add(new InputBatch.Feed(f.name(), f.shape(), null, repeated));
            }
            out.add(new InputBatch(feeds, b.labels()));
        }
        return CalibrationData.of(out);
    }
}
