package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.core.EdgeperfException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Observes intermediate float tensors over calibration inputs and turns them into ranges. */
final class ActivationRanges {
    /** Values kept per tensor per batch for percentile estimation (strided sample beyond this). */
    private static final int SAMPLE_PER_BATCH = 1 << 16;
    static final double PERCENTILE = 99.99;

    private ActivationRanges() {
    }

    /** Tensor name to {min, max} over all calibration batches. */
    static Map<String, float[]> observe(ModelProto baseline, List<String> tensors, CalibrationData data,
            CalibrationMethod method, OrtRunner runner) {
        if (!data.iterator().hasNext()) {
            throw EdgeperfException.userError("quantized:int8-static needs calibration inputs; none were given");
        }
        ModelProto exposed = OrtRunner.exposing(baseline, tensors);
        List<List<float[]>> values = runner.runOutputs(exposed, data, tensors, "calibration of the baseline");
        Map<String, float[]> ranges = new LinkedHashMap<>();
        for (int t = 0; t < tensors.size(); t++) {
            List<float[]> batches = values.get(t);
            if (method == CalibrationMethod.MIN_MAX) {
                float lo = Float.POSITIVE_INFINITY;
                float hi = Float.NEGATIVE_INFINITY;
                for (float[] b : batches) {
                    for (float v : b) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
                ranges.put(tensors.get(t), new float[] {lo, hi});
            } else {
                float[] all = sortedSample(batches);
                if (method == CalibrationMethod.MSE) {
                    ranges.put(tensors.get(t), MseRange.of(all));
                    continue;
                }
                int lo = (int) Math.floor((100 - PERCENTILE) / 100 * (all.length - 1));
                int hi = (int) Math.ceil(PERCENTILE / 100 * (all.length - 1));
                ranges.put(tensors.get(t), new float[] {all[lo], all[hi]});
            }
        }
        return ranges;
    }

    /** Up to {@link #SAMPLE_PER_BATCH} values of every batch (a strided sample), sorted ascending. */
    private static float[] sortedSample(List<float[]> batches) {
        List<float[]> samples = new ArrayList<>();
        int total = 0;
        for (float[] b : batches) {
            int stride = Math.max(1, b.length / SAMPLE_PER_BATCH);
            float[] s = new float[(b.length + stride - 1) / stride];
            for (int i = 0, j = 0; i < b.length; i += stride, j++) {
                s[j] = b[i];
            }
            samples.add(s);
            total += s.length;
        }
        float[] all = new float[total];
        int p = 0;
        for (float[] s : samples) {
            System.arraycopy(s, 0, all, p, s.length);
            p += s.length;
        }
        Arrays.sort(all);
        return all;
    }

    /** uint8 asymmetric parameters {scale, zeroPoint} for a range widened to include 0. */
    static float[] uint8Params(float[] range) {
        float lo = Math.min(0f, range[0]);
        float hi = Math.max(0f, range[1]);
        if (!(hi > lo)) {
            return new float[] {1f, 0f};
        }
        float scale = (hi - lo) / 255f;
        float zp = Math.max(0, Math.min(255, Math.round(-lo / scale)));
        return new float[] {scale, zp};
    }
}
