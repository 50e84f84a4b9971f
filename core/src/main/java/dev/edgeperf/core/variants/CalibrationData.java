package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Model inputs used to calibrate static quantization and to measure fidelity: an iterable of float
 * batches that can be iterated more than once (the same batches each time).
 */
public interface CalibrationData extends Iterable<InputBatch> {

    /** Fixed batches held in memory. */
    static CalibrationData of(List<InputBatch> batches) {
        List<InputBatch> copy = List.copyOf(batches);
        return copy::iterator;
    }

    /**
     * Deterministic pseudo-random inputs, uniform in [0, 1) (the range of normalised image pixels).
     *
     * @param shape   full shape of each batch including the batch dimension
     * @param batches number of batches
     * @param seed    random seed; the same seed gives the same values
     */
    static CalibrationData random(long[] shape, int batches, long seed) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        List<InputBatch> list = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            float[] v = new float[Math.toIntExact(n)];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) rnd.nextDouble();
            }
            list.add(new InputBatch(shape.clone(), v));
        }
        return of(list);
    }

    /**
     * Deterministic pseudo-random inputs for every graph input of a model, fed by name: float inputs
     * uniform in [0, 1); int64 inputs that index a Gather table (token ids) uniform over its rows;
     * other int64 inputs (attention masks) all ones. Symbolic dimensions take {@code batch} (the
     * first) or {@code freeDim} (the others, e.g. a sequence length); fixed ones are kept.
     *
     * @throws dev.edgeperf.core.EdgeperfException USER_ERROR for an input without a shape or of
     *         another element type
     */
    static CalibrationData random(ModelProto model, long batch, long freeDim, int batches, long seed) {
        return RandomInputs.of(model, batch, freeDim, batches, seed);
    }

    /**
     * As {@link #random(ModelProto, long, long, int, long)}, input shapes resolved by
     * {@link dev.edgeperf.core.onnx.InputDims}: full {@code shapes} per input, named {@code dims}, the
     * open leading dim {@code batch}, any other open dim {@code freeDim}, or, when it is 0, a user error.
     *
     * @throws dev.edgeperf.core.EdgeperfException USER_ERROR as {@link dev.edgeperf.core.onnx.InputDims#resolve},
     *         for an input without a shape or of another element type
     */
    static CalibrationData random(ModelProto model, long batch, Map<String, long[]> shapes, Map<String, Long> dims,
            long freeDim, int batches, long seed) {
        return RandomInputs.of(model, batch, shapes, dims, freeDim, batches, seed);
    }

    /**
     * As {@link #random(ModelProto, long, Map, Map, long, int, long)}, sized and fed as the user gave them:
     * {@code --input} shapes and {@code --dim} sizes, and each {@code --value} fed instead of random data (an
     * input given one value is a scalar unless given a shape; a batch holding a multiple of the values takes
     * them repeated).
     *
     * @throws dev.edgeperf.core.EdgeperfException USER_ERROR as above, or when an input cannot hold its values
     */
    static CalibrationData random(ModelProto model, long batch, dev.edgeperf.core.onnx.ModelInputs given,
            long freeDim, int batches, long seed) {
        return GivenValues.random(model, batch, given, freeDim, batches, seed);
    }

    @Override
    Iterator<InputBatch> iterator();
}
