package dev.edgeperf.core.variants;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.onnx.ModelInputs;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Runs a rebatched model at batch 2 on two different random samples (inputs given values take them) and
 * compares each batch item with the original model's output for that sample alone: what {@link Rebatcher}
 * accepts a rewrite on.
 */
final class BatchCheck {
    private static final long SEED = 20_261_202L;

    private BatchCheck() {
    }

    /** Null when every output of every item matches; otherwise one clause saying what differed. */
    static String mismatch(ModelProto original, ModelProto rebatched, ModelInputs given) {
        List<String> outputs = original.getGraph().getOutputList().stream().map(ValueInfoProto::getName).toList();
        OrtRunner ort = new OrtRunner(1);
        try {
            // the user's --value for an integer input (a sample rate) too: random ids may take a path it never does
            CalibrationData samples = CalibrationData.random(original, 1, given, 0, 2, SEED);
            Iterator<InputBatch> it = samples.iterator();
            InputBatch first = it.next();
            InputBatch second = it.next();
            List<List<OutputTensor>> alone = ort.runTensors(original, List.of(first, second), outputs,
                    "the batch-1 model");
            List<List<OutputTensor>> together = ort.runTensors(rebatched, List.of(stacked(first, second)), outputs,
                    "the model at batch 2");
            for (int o = 0; o < outputs.size(); o++) {
                String diff = compare(outputs.get(o), alone.get(o), together.get(o).get(0));
                if (diff != null) {
                    return diff;
                }
            }
            return null;
        } catch (EdgeperfException e) {
            return e.getMessage().replaceAll("\\s+", " ").trim();
        }
    }

    private static String compare(String output, List<OutputTensor> alone, OutputTensor together) {
        int item = alone.get(0).values().length;
        if (together.shape().length == 0 || together.shape()[0] != 2 || together.values().length != 2 * item) {
            return "at batch 2 output '" + output + "' has shape " + java.util.Arrays.toString(together.shape())
                    + ", not 2 items of " + java.util.Arrays.toString(alone.get(0).shape());
        }
        for (int s = 0; s < 2; s++) {
            float[] ref = alone.get(s).values();
            for (int i = 0; i < item; i++) {
                float got = together.values()[s * item + i];
                double diff = Math.abs(got - ref[i]);
                if (!(diff <= Rebatcher.TOLERANCE * Math.max(1, Math.abs(ref[i])))) {
                    return "at batch 2 item " + s + " of output '" + output + "' differs from the batch-1 output ("
                            + got + " vs " + ref[i] + " at element " + i + ")";
                }
            }
        }
        return null;
    }

    /** Two batch-1 samples as one batch of 2; scalar feeds (no batch dimension) are taken from the first. */
    private static InputBatch stacked(InputBatch a, InputBatch b) {
        List<InputBatch.Feed> feeds = new ArrayList<>();
        for (int i = 0; i < a.inputs().size(); i++) {
            InputBatch.Feed x = a.inputs().get(i);
            InputBatch.Feed y = b.inputs().get(i);
            if (x.shape().length == 0) {
                feeds.add(x);
                continue;
            }
            long[] shape = x.shape().clone();
            shape[0] = 2;
            if (x.floats() != null) {
                float[] v = java.util.Arrays.copyOf(x.floats(), x.floats().length * 2);
                System.arraycopy(y.floats(), 0, v, x.floats().length, y.floats().length);
                feeds.add(new InputBatch.Feed(x.name(), shape, v, null));
            } else {
                long[] v = java.util.Arrays.copyOf(x.longs(), x.longs().length * 2);
                System.arraycopy(y.longs(), 0, v, x.longs().length, y.longs().length);
                feeds.add(new InputBatch.Feed(x.name(), shape, null, v));
            }
        }
        return new InputBatch(feeds, null);
    }
}
