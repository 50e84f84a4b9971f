package dev.edgeperf.core.calibration;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.onnx.ModelInputs;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The model's first non-initializer input, which data sources feed.
 *
 * @param model    model name, for messages
 * @param name     input name
 * @param elemType ONNX element type
 * @param dims     dimensions, -1 where open (a {@code --input} shape for this input or named {@code --dim}s fill them)
 */
record ModelInput(String model, String name, int elemType, long[] dims) {
    static ModelInput of(ModelProto m, String modelName, ModelInputs sizes) {
        Set<String> inits = new HashSet<>();
        m.getGraph().getInitializerList().forEach(t -> inits.add(t.getName()));
        for (ValueInfoProto v : m.getGraph().getInputList()) {
            if (!inits.contains(v.getName())) {
                List<TensorShapeProto.Dimension> dl = v.getType().getTensorType().getShape().getDimList();
                long[] dims = new long[dl.size()];
                long[] given = sizes.shapes().get(v.getName());
                for (int i = 0; i < dims.length; i++) {
                    TensorShapeProto.Dimension d = dl.get(i);
                    dims[i] = d.hasDimValue() && d.getDimValue() > 0 ? d.getDimValue()
                            : i > 0 && given != null && given.length == dims.length ? given[i]
                            : i > 0 && d.hasDimParam() && sizes.dims().containsKey(d.getDimParam())
                                    ? sizes.dims().get(d.getDimParam()) : -1;
                }
                if (dims.length == 0) {
                    throw EdgeperfException.userError("model " + modelName + " input '" + v.getName()
                            + "' has no shape; expected a tensor input with a batch dimension");
                }
                return new ModelInput(modelName, v.getName(), v.getType().getTensorType().getElemType(), dims);
            }
        }
        throw EdgeperfException.userError("model " + modelName + " has no graph input; expected one float input");
    }

    boolean hasSymbolicSampleDims() {
        return Arrays.stream(dims, 1, dims.length).anyMatch(d -> d < 0);
    }

    /** The fixed batch dimension, or {@code free} when it is open. */
    long fixedBatch(long free) {
        return dims[0] > 0 ? dims[0] : free;
    }

    /**
     * The full input shape for {@code batch} samples of {@code sample} (per-sample data shape). Data fits when
     * the model's per-sample dims equal the data's once unit dims are dropped (e.g. [28, 28, 1] NHWC or [784]
     * for [1, 28, 28] images): dropping unit dims does not change the memory order, so the values are used as
     * they are.
     */
    long[] batchShape(long batch, long[] sample, String what) {
        long[] per = Arrays.copyOfRange(dims, 1, dims.length);
        long[] shape = new long[dims.length];
        shape[0] = fixedBatch(batch);
        boolean symbolic = Arrays.stream(per).anyMatch(d -> d < 0);
        if (symbolic && per.length == sample.length) {
            per = sample.clone();
        } else if (symbolic || !Arrays.equals(squeeze(per), squeeze(sample))) {
            throw EdgeperfException.userError(what + " has images of shape " + render(sample) + " per sample but model "
                    + model + " input '" + name + "' takes " + render(per) + " per sample");
        }
        System.arraycopy(per, 0, shape, 1, per.length);
        return shape;
    }

    private static long[] squeeze(long[] d) {
        return Arrays.stream(d).filter(x -> x != 1).toArray();
    }

    static String render(long[] d) {
        return Arrays.stream(d).mapToObj(x -> x < 0 ? "?" : Long.toString(x)).collect(Collectors.joining(", ", "[", "]"));
    }
}
