package dev.edgeperf.core.calibration;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.data.DatasetLocator;
import dev.edgeperf.core.data.Datasets;
import dev.edgeperf.core.data.IdxReader;
import dev.edgeperf.core.data.IdxTensor;
import dev.edgeperf.core.data.LabeledImages;
import dev.edgeperf.core.data.Split;
import dev.edgeperf.core.onnx.ModelInputs;
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
 * A {@link CalibrationSource} loaded against a model's input: the batches static quantization calibrates on
 * and the batches fidelity (and accuracy, when labelled) is measured over. {@code variants build} and campaign
 * preparation load through here, so the same source gives the same batches, hence the same variant bytes.
 *
 * <ul>
 * <li>datasets: calibration from the train split (first {@code batches × 64} images, or × the model's fixed
 *     batch), evaluation over the first {@code evalImages} test images;</li>
 * <li>random: inputs for every graph input ({@link CalibrationData#random(ModelProto, long, Map, Map, long, int, long)}),
 *     {@code batches × 8}; evaluation = calibration;</li>
 * <li>IDX folder: {@code train-images-idx3-ubyte} (or the first {@code *-images-idx3-ubyte}) calibrates,
 *     {@code t10k-images/labels} evaluate when present;</li>
 * <li>image and tensor folders: every file is a sample (a tensor file with the model's rank holds its
 *     leading dimension's samples), in batches of 8 or the model's fixed batch; evaluation = calibration.</li>
 * </ul>
 *
 * @param calibration batches for static-quantization calibration
 * @param evaluation  batches fidelity (and accuracy, when labelled) is measured over; may be {@code calibration}
 * @param train       the labelled train split (for fine-tuning); null for other sources
 * @param label       one line results carry, e.g. {@code random (seed 11)}, {@code mnist train[0:256]},
 *                    {@code images:photos 64 files}
 * @param describe    manifest fields describing where the inputs came from
 */
public record CalibrationInputs(CalibrationData calibration, CalibrationData evaluation, LabeledImages train,
        String label, Map<String, Object> describe) {
    /** Images per calibration batch from a dataset when the model's batch dimension is free. */
    public static final int DATASET_BATCH = 64;
    /** Inputs per random calibration batch when the model's batch dimension is free (ImageNet models are heavy). */
    public static final int RANDOM_BATCH = 8;
    /** Samples per batch from an image or tensor folder when the model's batch dimension is free. */
    public static final int FOLDER_BATCH = 8;
    /** Images per evaluation batch. */
    public static final int EVAL_BATCH = 100;

    public CalibrationInputs {
        Objects.requireNonNull(calibration, "calibration is null");
        Objects.requireNonNull(evaluation, "evaluation is null");
        Objects.requireNonNull(label, "label is null");
        describe = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(describe));
    }

    /** Whether fidelity is measured over other inputs than the calibration batches. */
    public boolean separateEvaluation() {
        return evaluation != calibration;
    }

    /**
     * @param datasets   datasets folder, or null to use {@link DatasetLocator#system()}
     * @param batches    number of calibration batches (datasets, random and IDX; folders use every file)
     * @param evalImages test images fidelity and accuracy are measured over (datasets and IDX folders)
     * @param sizes      {@code --input}/{@code --dim} sizes: they shape random inputs and fix open dims of the
     *                   first input for folder data
     * @param freeDim    the deprecated {@code --free-dim} (random inputs only), 0 = not given
     * @throws EdgeperfException USER_ERROR when the data is missing or its shape or type does not fit the model input
     */
    public static CalibrationInputs load(CalibrationSource source, Path datasets, ModelProto model, String modelName,
            int batches, int evalImages, ModelInputs sizes, long freeDim) {
        Objects.requireNonNull(source, "source is null");
        ModelInput input = ModelInput.of(model, modelName, sizes);
        return switch (source.kind()) {
            case RANDOM -> random(source, model, input, batches, sizes, freeDim);
            case IMAGES, TENSORS -> FolderInputs.load(source, model, input, modelName, sizes, "calibration");
            case DATASET, IDX -> {
                if (!sizes.isEmpty() || freeDim > 0) {
                    throw EdgeperfException.userError("--input, --dim and --free-dim size random calibration inputs; with"
                            + " --calibration " + source.text() + " the data sets the input shape");
                }
                yield images(source, datasets, input, modelName, batches, evalImages);
            }
        };
    }

    private static CalibrationInputs images(CalibrationSource source, Path datasets, ModelInput input,
            String modelName, int batches, int evalImages) {
        LabeledImages train;
        LabeledImages test;
        String where;
        if (source.kind() == CalibrationSource.Kind.DATASET) {
            Path dir = datasets != null ? datasets : DatasetLocator.system().require();
            train = Datasets.load(source.dataset(), dir, Split.TRAIN);
            test = Datasets.load(source.dataset(), dir, Split.TEST);
            where = source.dataset();
        } else {
            Path dir = source.folder();
            if (!Files.isDirectory(dir)) {
                throw EdgeperfException.userError("--calibration " + source.text() + ": " + dir + " is not a folder; expected"
                        + " mnist, fashion-mnist, random[:SEED], idx:DIR, images:DIR or tensors:DIR");
            }
            train = folderImages(dir);
            test = folderTest(dir);
            where = dir.toString();
        }
        String spec = source.text();
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
        d.put("calibration", describe(where + (train.labels().length > 0 ? " train split" : "") + ", first "
                + need + " images", batches, calShape));
        String label = spec + " train[0:" + need + "]";
        if (test == null) {
            d.put("evaluation", evaluation("the calibration inputs", need, false));
            return new CalibrationInputs(calibration, calibration, null, label, d);
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
        d.put("evaluation", evaluation(where + " test split, first " + eval.count() + " images", eval.count(), true));
        return new CalibrationInputs(calibration, evaluation,
                source.kind() == CalibrationSource.Kind.DATASET ? train : null, label, d);
    }

    /**
     * Random inputs for every graph input (float in [0, 1), token ids within their embedding table,
     * masks all ones), so multi-input and int64 models such as exported transformers build too.
     */
    private static CalibrationInputs random(CalibrationSource source, ModelProto model, ModelInput input, int batches,
            ModelInputs sizes, long freeDim) {
        long batch = input.fixedBatch(RANDOM_BATCH);
        CalibrationData data = CalibrationData.random(model, batch, sizes, freeDim, batches, source.seed());
        Map<String, Object> feeds = new LinkedHashMap<>();
        for (InputBatch.Feed f : data.iterator().next().inputs()) {
            feeds.put(f.name(), Arrays.stream(f.shape()).boxed().toList());
        }
        Map<String, Object> calibration = describe("random: floats uniform [0, 1), token ids over their table, masks"
                + " ones; seed " + source.seed() + (freeDim > 0 && input.hasSymbolicSampleDims() ? ", free dims " + freeDim
                : ""), batches, data.iterator().next().inputs().get(0).shape());
        calibration.put("inputs", feeds);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("calibration", calibration);
        d.put("evaluation", evaluation("the calibration inputs", batches * batch, false));
        return new CalibrationInputs(data, data, null, "random (seed " + source.seed() + ")", d);
    }

    static Map<String, Object> evaluation(String source, long samples, boolean labels) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", source);
        m.put("samples", samples);
        m.put("labels", labels);
        return m;
    }

    static Map<String, Object> describe(String source, int batches, long[] shape) {
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
}
