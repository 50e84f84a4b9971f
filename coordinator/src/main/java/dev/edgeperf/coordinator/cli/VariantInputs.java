package dev.edgeperf.coordinator.cli;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.data.DatasetLocator;
import dev.edgeperf.core.data.Datasets;
import dev.edgeperf.core.data.IdxReader;
import dev.edgeperf.core.data.IdxTensor;
import dev.edgeperf.core.data.LabeledImages;
import dev.edgeperf.core.data.Split;
import dev.edgeperf.core.variants.CalibrationData;
import dev.edgeperf.core.variants.InputBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The inputs of {@code variants build}, checked against the model's input before anything is built.
 *
 * <p>{@code --calibration} forms:
 * <ul>
 * <li>{@code mnist}, {@code fashion-mnist}: calibration batches from the train split (first images),
 *     fidelity and accuracy over the first {@code evalImages} images of the test split;</li>
 * <li>{@code random}: inputs for every graph input (fixed seed): floats uniform in [0, 1), int64 token ids
 *     within the embedding table they index, other int64 inputs (masks) ones; input shapes from {@code --input}
 *     and {@code --dim} (open leading dims take the random batch; any other open dim is an error, unless the
 *     deprecated {@code --free-dim} sizes it); fidelity over the calibration inputs, no accuracy;</li>
 * <li>a folder of IDX files (MNIST layout, plain or gzipped): calibration images from
 *     {@code train-images-idx3-ubyte} (or else the first {@code *-images-idx3-ubyte} file by name); when
 *     {@code t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte} are there too, fidelity and
 *     accuracy over them, otherwise fidelity over the calibration images. Pixels are scaled to [0, 1].</li>
 * </ul>
 *
 * @param calibration batches for static-quantization calibration
 * @param evaluation  batches fidelity (and accuracy, when labelled) is measured over; may be {@code calibration}
 * @param train       the labelled train split (for fine-tuning); null for random inputs and folders
 * @param describe    manifest fields describing where the inputs came from
 */
record VariantInputs(CalibrationData calibration, CalibrationData evaluation, LabeledImages train,
        Map<String, Object> describe) {
    /** Images per calibration batch from a dataset when the model's batch dimension is free. */
    static final int DATASET_BATCH = 64;
    /** Inputs per random calibration batch when the model's batch dimension is free (ImageNet models are heavy). */
    static final int RANDOM_BATCH = 8;
    /** Images per evaluation batch. */
    static final int EVAL_BATCH = 100;
    static final long RANDOM_SEED = 20240601L;

    VariantInputs {
        Objects.requireNonNull(calibration, "calibration is null");
        Objects.requireNonNull(evaluation, "evaluation is null");
        describe = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(describe));
    }

    /** Whether fidelity is measured over other inputs than the calibration batches. */
    boolean separateEvaluation() {
        return evaluation != calibration;
    }

    /**
     * @param spec       the {@code --calibration} value
     * @param datasets   datasets folder, or null to use {@link DatasetLocator#system()}
     * @param batches    number of calibration batches
     * @param evalImages test images fidelity and accuracy are measured over
     * @throws EdgeperfException USER_ERROR when the data is missing or its shape does not fit the model input
     */
    static VariantInputs load(String spec, Path datasets, ModelProto model, String modelName, int batches,
            int evalImages, Map<String, long[]> shapes, Map<String, Long> dims, long freeDim) {
        ModelInput input = ModelInput.of(model, modelName);
        if (spec.equals("random")) {
            return random(model, input, batches, shapes, dims, freeDim);
        }
        if (!shapes.isEmpty() || !dims.isEmpty() || freeDim > 0) {
            throw EdgeperfException.userError("--input, --dim and --free-dim size random calibration inputs; with"
                    + " --calibration " + spec + " the data sets the input shape");
        }
        LabeledImages train;
        LabeledImages test;
        String source;
        if (Datasets.names().contains(spec)) {
            Path dir = datasets != null ? datasets : DatasetLocator.system().require();
            train = Datasets.load(spec, dir, Split.TRAIN);
            test = Datasets.load(spec, dir, Split.TEST);
            source = spec;
        } else {
            Path dir = Path.of(spec);
            if (!Files.isDirectory(dir)) {
                throw EdgeperfException.userError("--calibration must be mnist, fashion-mnist, random or a folder of IDX "
                        + "files, got '" + spec + "'");
            }
            train = folderImages(dir);
            test = folderTest(dir);
            source = dir.toAbsolutePath().toString();
        }
        long[] sample = {train.channels(), train.height(), train.width()};
        int calBatch = (int) input.fixedBatch(DATASET_BATCH);
        long[] calShape = input.batchShape(calBatch, sample, "calibration data " + spec);
        int need = calBatch * batches;
        if (train.count() < need) {
            throw EdgeperfException.userError("calibration data " + spec + " has " + train.count() + " images, "
                    + "--calibration-batches " + batches + " x " + calBatch + " needs " + need);
        }
        CalibrationData calibration = batches(train.first(need), calBatch, calShape, false);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("calibration", describe(source + (train.labels().length > 0 ? " train split" : "") + ", first "
                + need + " images", batches, calShape));
        if (test == null) {
            d.put("evaluation", evaluation("the calibration inputs", need, false));
            return new VariantInputs(calibration, calibration, null, d);
        }
        int evalBatch = (int) input.fixedBatch(EVAL_BATCH);
        boolean fixed = input.dims()[0] > 0;
        // A fixed batch dimension takes whole batches only; a free one takes the remainder as a smaller batch.
        int evalCount = Math.min(evalImages, test.count());
        evalCount = fixed ? evalCount - evalCount % evalBatch : evalCount;
        if (evalCount == 0) {
            throw EdgeperfException.userError("test data " + spec + " has " + test.count() + " images, fewer than model "
                    + modelName + "'s fixed batch of " + evalBatch);
        }
        LabeledImages eval = test.first(evalCount);
        CalibrationData evaluation = batches(eval, evalBatch, input.batchShape(evalBatch, sample, "test data " + spec),
                true);
        d.put("evaluation", evaluation(source + " test split, first " + eval.count() + " images", eval.count(), true));
        return new VariantInputs(calibration, evaluation, Datasets.names().contains(spec) ? train : null, d);
    }

    /**
     * Random inputs for every graph input (float in [0, 1), token ids within their embedding table,
     * masks all ones), so multi-input and int64 models such as exported transformers build too.
     */
    private static VariantInputs random(ModelProto model, ModelInput input, int batches, Map<String, long[]> shapes,
            Map<String, Long> dims, long freeDim) {
        long batch = input.fixedBatch(RANDOM_BATCH);
        CalibrationData data = CalibrationData.random(model, batch, shapes, dims, freeDim, batches, RANDOM_SEED);
        Map<String, Object> feeds = new LinkedHashMap<>();
        for (InputBatch.Feed f : data.iterator().next().inputs()) {
            feeds.put(f.name(), Arrays.stream(f.shape()).boxed().toList());
        }
        Map<String, Object> calibration = describe("random: floats uniform [0, 1), token ids over their table, masks"
                + " ones; seed " + RANDOM_SEED + (freeDim > 0 && input.hasSymbolicSampleDims() ? ", free dims " + freeDim : ""),
                batches, data.iterator().next().inputs().get(0).shape());
        calibration.put("inputs", feeds);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("calibration", calibration);
        d.put("evaluation", evaluation("the calibration inputs", batches * batch, false));
        return new VariantInputs(data, data, null, d);
    }

    private static Map<String, Object> evaluation(String source, long samples, boolean labels) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", source);
        m.put("samples", samples);
        m.put("labels", labels);
        return m;
    }

    private static Map<String, Object> describe(String source, int batches, long[] shape) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", source);
        m.put("batches", batches);
        m.put("batchShape", Arrays.stream(shape).boxed().toList());
        m.put("samples", batches * shape[0]);
        return m;
    }

    /** Whole batches of {@code size} images, reshaped to the model's batch shape (same memory order). */
    private static CalibrationData batches(LabeledImages images, int size, long[] shape, boolean labels) {
        List<InputBatch> list = new ArrayList<>();
        for (int from = 0; from < images.count(); from += size) {
            LabeledImages s = images.slice(from, Math.min(images.count(), from + size));
            long[] batchShape = shape.clone();
            batchShape[0] = s.count();
            list.add(new InputBatch(batchShape, s.images(), labels ? s.labels() : new int[0]));
        }
        return CalibrationData.of(list);
    }

    private static LabeledImages folderImages(Path dir) {
        Path images = idx(dir, "train-images-idx3-ubyte");
        if (images == null) {
            try (Stream<Path> files = Files.list(dir)) {
                images = files.filter(p -> p.getFileName().toString().matches(".*images-idx3-ubyte(\\.gz)?"))
                        .sorted().findFirst().orElse(null);
            } catch (IOException e) {
                throw EdgeperfException.userError("calibration folder " + dir + " cannot be listed: " + e.getMessage());
            }
        }
        if (images == null) {
            throw EdgeperfException.userError("calibration folder " + dir + " has no IDX image file; expected "
                    + "train-images-idx3-ubyte[.gz] or *-images-idx3-ubyte[.gz]");
        }
        IdxTensor t = IdxReader.read(images, 3);
        float[] pixels = new float[t.data().length];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (t.data()[i] & 0xFF) / 255f;
        }
        // Labels are not needed to calibrate; an all-zero label array keeps LabeledImages' invariants.
        return new LabeledImages(pixels, new int[t.count()], 1, t.dims()[1], t.dims()[2], 1);
    }

    private static LabeledImages folderTest(Path dir) {
        Path images = idx(dir, "t10k-images-idx3-ubyte");
        Path labels = idx(dir, "t10k-labels-idx1-ubyte");
        return images == null || labels == null ? null : IdxReader.readLabeled(images, labels, 256);
    }

    private static Path idx(Path dir, String base) {
        for (Path p : List.of(dir.resolve(base), dir.resolve(base + ".gz"))) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * The model's first non-initializer input.
     *
     * @param name input name
     * @param dims dimensions, -1 where symbolic
     */
    record ModelInput(String model, String name, long[] dims) {
        static ModelInput of(ModelProto m, String modelName) {
            java.util.Set<String> inits = new java.util.HashSet<>();
            m.getGraph().getInitializerList().forEach(t -> inits.add(t.getName()));
            for (ValueInfoProto v : m.getGraph().getInputList()) {
                if (!inits.contains(v.getName())) {
                    List<TensorShapeProto.Dimension> dl = v.getType().getTensorType().getShape().getDimList();
                    long[] dims = new long[dl.size()];
                    for (int i = 0; i < dims.length; i++) {
                        dims[i] = dl.get(i).hasDimValue() && dl.get(i).getDimValue() > 0 ? dl.get(i).getDimValue() : -1;
                    }
                    if (dims.length == 0) {
                        throw EdgeperfException.userError("model " + modelName + " input '" + v.getName()
                                + "' has no shape; expected a tensor input with a batch dimension");
                    }
                    return new ModelInput(modelName, v.getName(), dims);
                }
            }
            throw EdgeperfException.userError("model " + modelName + " has no graph input; expected one float input");
        }

        boolean hasSymbolicSampleDims() {
            return Arrays.stream(dims, 1, dims.length).anyMatch(d -> d < 0);
        }

        /** The fixed batch dimension, or {@code free} when it is symbolic. */
        long fixedBatch(long free) {
            return dims[0] > 0 ? dims[0] : free;
        }

        /**
         * The full input shape for {@code batch} samples of {@code sample} (per-sample data shape, or null for
         * random inputs). Data fits when the model's per-sample dims equal the data's once unit dims are
         * dropped (e.g. [28, 28, 1] NHWC or [784] for [1, 28, 28] images): dropping unit dims does not change
         * the memory order, so the values are used as they are.
         */
        long[] batchShape(long batch, long[] sample, String what) {
            long[] per = Arrays.copyOfRange(dims, 1, dims.length);
            long[] shape = new long[dims.length];
            shape[0] = fixedBatch(batch);
            boolean symbolic = Arrays.stream(per).anyMatch(d -> d < 0);
            if (sample == null) {
                if (symbolic) {
                    throw EdgeperfException.userError("model " + model + " input '" + name + "' has symbolic dims "
                            + render(per) + " per sample; " + what + " need fixed dims (use --calibration with a dataset)");
                }
            } else if (symbolic && per.length == sample.length) {
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

        private static String render(long[] d) {
            return Arrays.stream(d).mapToObj(x -> x < 0 ? "?" : Long.toString(x))
                    .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
        }
    }
}
