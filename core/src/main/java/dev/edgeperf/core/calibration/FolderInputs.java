package dev.edgeperf.core.calibration;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.variants.CalibrationData;
import dev.edgeperf.core.variants.InputBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Image and tensor folders as calibration inputs (see {@link CalibrationInputs}). */
final class FolderInputs {
    private FolderInputs() {
    }

    /** @param use {@code calibration} or {@code evaluation}, as messages name it */
    static CalibrationInputs load(CalibrationSource source, ai.onnx.proto.OnnxMl.ModelProto model, ModelInput input,
            String modelName, dev.edgeperf.core.onnx.ModelInputs sizes, String use) {
        boolean images = source.kind() == CalibrationSource.Kind.IMAGES;
        if (!images) {
            var runs = TensorRuns.runs(source.folder(), TensorRuns.fed(model).stream().map(v -> v.getName()).toList());
            if (runs != null) {
                return TensorRuns.load(source, model, modelName, sizes, runs, use);
            }
        }
        List<Sample> samples = images ? images(source, input) : tensors(source, input);
        int files = samples.stream().mapToInt(Sample::file).max().orElse(-1) + 1;
        int size = (int) input.fixedBatch(Math.min(CalibrationInputs.FOLDER_BATCH, samples.size()));
        int usable = input.dims()[0] > 0 ? samples.size() - samples.size() % size : samples.size();
        if (usable == 0) {
            throw EdgeperfException.userError("calibration folder " + source.folder() + " gives " + samples.size()
                    + " samples; model " + modelName + " input '" + input.name() + "' takes batches of " + size);
        }
        long[] per = samples.get(0).shape();
        List<InputBatch> batches = new ArrayList<>();
        for (int from = 0; from < usable; from += size) {
            int n = Math.min(size, usable - from);
            long[] shape = new long[per.length + 1];
            shape[0] = n;
            System.arraycopy(per, 0, shape, 1, per.length);
            boolean floats = samples.get(0).floats() != null;
            int each = floats ? samples.get(0).floats().length : samples.get(0).longs().length;
            float[] f = floats ? new float[n * each] : null;
            long[] l = floats ? null : new long[n * each];
            for (int i = 0; i < n; i++) {
                Sample s = samples.get(from + i);
                System.arraycopy(floats ? s.floats() : s.longs(), 0, floats ? f : l, i * each, each);
            }
            batches.add(new InputBatch(List.of(new InputBatch.Feed(input.name(), shape, f, l)), new int[0]));
        }
        String what = images ? "images" : "tensor";
        String label = source.text() + " " + files + (files == 1 ? " file" : " files")
                + (files == usable ? "" : ", " + usable + " samples");
        Map<String, Object> d = new LinkedHashMap<>();
        long[] first = batches.get(0).inputs().get(0).shape();
        Map<String, Object> cal = CalibrationInputs.describe(source.folder() + ": " + files + " " + what + " files, "
                + usable + " samples" + (images ? "; preprocess " + source.preprocess().describe() : ""), batches.size(), first);
        cal.put("samples", usable);
        d.put("calibration", cal);
        d.put("evaluation", CalibrationInputs.evaluation("the calibration inputs", usable, false));
        // the model's other inputs (a state, a mask): values, the int64 rule, or an error naming them
        CalibrationData data = TensorRuns.complete(CalibrationData.of(batches), model, modelName, sizes, source, use);
        return new CalibrationInputs(data, data, null, label, d);
    }

    /** One sample: values for the first graph input without its batch dimension. */
    private record Sample(int file, long[] shape, float[] floats, long[] longs) {
    }

    private static List<Sample> images(CalibrationSource source, ModelInput input) {
        long[] d = input.dims();
        Preprocess pre = source.preprocess();
        if (input.elemType() != DataType.FLOAT_VALUE || d.length != 4) {
            throw EdgeperfException.userError("--calibration " + source.text() + ": model " + input.model() + " input '"
                    + input.name() + "' is " + type(input.elemType()) + " " + ModelInput.render(d)
                    + "; images feed a float32 input of rank 4 (NCHW or NHWC)");
        }
        Preprocess.Layout layout = pre.layout();
        if (layout == null) {
            layout = d[1] == 1 || d[1] == 3 ? Preprocess.Layout.NCHW : d[3] == 1 || d[3] == 3 ? Preprocess.Layout.NHWC
                    : null;
        }
        if (layout == null) {
            throw EdgeperfException.userError("model " + input.model() + " input '" + input.name() + "' "
                    + ModelInput.render(d) + " has no 1- or 3-channel dimension at index 1 or 3; add --preprocess"
                    + " layout=nchw or layout=nhwc");
        }
        boolean nchw = layout == Preprocess.Layout.NCHW;
        long c = nchw ? d[1] : d[3];
        long h = nchw ? d[2] : d[1];
        long w = nchw ? d[3] : d[2];
        if (c < 0) {
            c = pre.channels() != null ? pre.channels().count() : 3;
        }
        if (c != 1 && c != 3) {
            throw EdgeperfException.userError("model " + input.model() + " input '" + input.name() + "' "
                    + ModelInput.render(d) + " takes " + c + " channels in " + layout + " order; images give 1 (gray) or 3"
                    + " (rgb/bgr); check --preprocess layout");
        }
        if (h < 0 || w < 0) {
            if (!pre.resizes()) {
                throw EdgeperfException.userError("model " + input.model() + " input '" + input.name() + "' "
                        + ModelInput.render(d) + " has an open height or width; add --preprocess resize=HxW (or --input)");
            }
            h = h < 0 ? pre.height() : h;
            w = w < 0 ? pre.width() : w;
        }
        List<float[]> pixels = ImageFiles.read(source.folder(), pre, (int) c, (int) h, (int) w, layout);
        long[] shape = nchw ? new long[] {c, h, w} : new long[] {h, w, c};
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < pixels.size(); i++) {
            out.add(new Sample(i, shape, pixels.get(i), null));
        }
        return out;
    }

    private static List<Sample> tensors(CalibrationSource source, ModelInput input) {
        boolean floatInput = input.elemType() == DataType.FLOAT_VALUE;
        if (!floatInput && input.elemType() != DataType.INT64_VALUE) {
            throw EdgeperfException.userError("model " + input.model() + " input '" + input.name() + "' is "
                    + type(input.elemType()) + "; tensor folders feed float32 or int64 inputs");
        }
        long[] d = input.dims();
        long[] per = Arrays.copyOfRange(d, 1, d.length);
        List<RawTensor> files = TensorFiles.read(source.folder());
        List<Sample> out = new ArrayList<>();
        long[] seen = null;
        for (int fi = 0; fi < files.size(); fi++) {
            RawTensor t = files.get(fi);
            if (t.isFloat() != floatInput) {
                throw EdgeperfException.userError("tensor file " + t.file() + " holds " + t.dtype() + " but model "
                        + input.model() + " input '" + input.name() + "' is " + type(input.elemType()) + "; expected "
                        + (floatInput ? "'<f4' (.npy) or FLOAT (.pb)" : "'<i8', '<i4', '|u1' (.npy) or INT64/INT32/UINT8 (.pb)"));
            }
            long[] shape = t.shape();
            long count;
            long[] sample;
            if (shape.length == d.length) {
                count = shape[0];
                sample = Arrays.copyOfRange(shape, 1, shape.length);
            } else if (shape.length == per.length) {
                count = 1;
                sample = shape;
            } else {
                throw EdgeperfException.userError("tensor file " + t.file() + " has shape " + ModelInput.render(shape)
                        + " but model " + input.model() + " input '" + input.name() + "' takes " + ModelInput.render(d)
                        + " (a batch of samples) or " + ModelInput.render(per) + " (one sample)");
            }
            for (int i = 0; i < per.length; i++) {
                long want = per[i] > 0 ? per[i] : seen != null ? seen[i] : -1;
                if (want > 0 && sample[i] != want) {
                    throw EdgeperfException.userError("tensor file " + t.file() + " has shape " + ModelInput.render(shape)
                            + " but model " + input.model() + " input '" + input.name() + "' takes "
                            + ModelInput.render(d) + (per[i] > 0 ? "" : " (its open dims as in the first file, "
                            + ModelInput.render(seen) + ")") + "; dimension " + (i + shape.length - per.length) + " differs");
                }
            }
            if (count < 1 || Arrays.stream(sample).anyMatch(x -> x < 1)) {
                throw EdgeperfException.userError("tensor file " + t.file() + " has shape " + ModelInput.render(shape)
                        + "; expected no empty dimension");
            }
            seen = sample;
            int each = t.size() / (int) count;
            for (int s = 0; s < count; s++) {
                out.add(new Sample(fi, sample, t.isFloat() ? Arrays.copyOfRange(t.floats(), s * each, (s + 1) * each) : null,
                        t.isFloat() ? null : Arrays.copyOfRange(t.longs(), s * each, (s + 1) * each)));
            }
        }
        return out;
    }

    private static String type(int elemType) {
        DataType t = DataType.forNumber(elemType);
        return t == null ? "type " + elemType : t == DataType.FLOAT ? "float32" : t.name().toLowerCase(Locale.ROOT);
    }
}
