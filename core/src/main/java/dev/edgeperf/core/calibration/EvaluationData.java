package dev.edgeperf.core.calibration;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.data.DatasetLocator;
import dev.edgeperf.core.data.Datasets;
import dev.edgeperf.core.data.LabeledImages;
import dev.edgeperf.core.data.Split;
import dev.edgeperf.core.onnx.ModelInputs;
import dev.edgeperf.core.variants.CalibrationData;
import dev.edgeperf.core.variants.InputBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Labelled data a model's accuracy is measured on (spec {@code evaluation:}, {@code campaign run --evaluation}):
 * <ul>
 * <li>{@code mnist}, {@code fashion-mnist}: the first {@code maxSamples} images of the test split, 10 classes;</li>
 * <li>{@code images:DIR}: one sub-folder per class, its images the class's samples; classes are the sub-folder
 *     names in sorted order (class 0 first), as torchvision's {@code ImageFolder} numbers them;</li>
 * <li>{@code tensors:DIR}: the folder's {@code .npy}/{@code .pb} samples (see {@link CalibrationSource}) and a
 *     {@value #LABELS_FILE} file with one integer class per sample, in the same order;</li>
 * <li>{@code idx:DIR}: the folder's {@code t10k-images/labels} IDX files.</li>
 * </ul>
 * A multi-input model's other inputs are fed as calibration feeds them (one loader, {@link TensorRuns}): a
 * tensor folder in the flat {@code <run>.<input>.npy} or one-sub-folder-per-run layout gives them per run (the
 * labels file beside the runs, one label per sample of each run in run order); inputs no file gives take their
 * {@code --value}, or for int64 inputs the int64 rule.
 *
 * @param batches    the model's inputs, each batch with its labels
 * @param samples    number of labelled samples
 * @param classes    number of classes the data has (datasets 10, image folders their sub-folders); 0 when only
 *                   the labels tell (tensors, IDX): every label must then be a class the model outputs
 * @param classNames class names in class order (image folders), else empty
 * @param label      one line results carry, e.g. {@code mnist test[0:10000]}, {@code images:shapes 3 classes, 60 images}
 */
public record EvaluationData(CalibrationData batches, int samples, int classes, List<String> classNames, String label) {
    /** The labels file of a {@code tensors:DIR} evaluation source. */
    public static final String LABELS_FILE = "labels.txt";
    /** Samples per batch from a dataset when the model's batch dimension is free. */
    static final int BATCH = 100;
    private static final String USE = "evaluation";

    public EvaluationData {
        Objects.requireNonNull(batches, "batches is null");
        classNames = List.copyOf(classNames);
        Objects.requireNonNull(label, "label is null");
    }

    /**
     * @param datasets   datasets folder for mnist/fashion-mnist, or null for {@link DatasetLocator#system()}
     * @param maxSamples at most this many samples of a dataset's test split
     * @param sizes      the campaign's {@code --input}/{@code --dim}/{@code --value} for the model: values feed
     *                   inputs the data does not give, sizes shape them
     * @throws EdgeperfException USER_ERROR for a source without labels (random), a folder that does not have the
     *         expected layout, a labels file that is missing or does not match the samples, or data that does not
     *         fit the model's input
     */
    public static EvaluationData load(CalibrationSource source, Path datasets, ModelProto model, String modelName,
            int maxSamples, ModelInputs sizes) {
        Objects.requireNonNull(sizes, "sizes is null");
        Objects.requireNonNull(source, "source is null");
        return switch (source.kind()) {
            case RANDOM -> throw EdgeperfException.userError("evaluation '" + source.text() + "' has no labels; expected "
                    + String.join(", ", Datasets.names()) + ", images:DIR (one sub-folder per class), tensors:DIR (with "
                    + LABELS_FILE + ") or idx:DIR");
            case DATASET -> dataset(source, datasets, model, modelName, maxSamples, sizes);
            case IDX -> idx(source, datasets, model, modelName, maxSamples, sizes);
            case IMAGES -> images(source, model, modelName, sizes);
            case TENSORS -> tensors(source, model, modelName, sizes);
        };
    }

    private static EvaluationData dataset(CalibrationSource source, Path datasets, ModelProto model, String modelName,
            int maxSamples, ModelInputs sizes) {
        Path dir = datasets != null ? datasets : DatasetLocator.system().require();
        LabeledImages test = Datasets.load(source.dataset(), dir, Split.TEST);
        ModelInput input = ModelInput.of(model, modelName, ModelInputs.none());
        int batch = (int) input.fixedBatch(BATCH);
        int count = Math.min(maxSamples, test.count());
        count = input.dims()[0] > 0 ? count - count % batch : count;
        if (count == 0) {
            throw EdgeperfException.userError("evaluation " + source.text() + " has " + test.count() + " test images,"
                    + " fewer than model " + modelName + "'s fixed batch of " + batch);
        }
        long[] sample = {test.channels(), test.height(), test.width()};
        long[] shape = input.batchShape(batch, sample, "evaluation data " + source.text());
        List<InputBatch> list = new ArrayList<>();
        for (int from = 0; from < count; from += batch) {
            LabeledImages s = test.slice(from, Math.min(count, from + batch));
            long[] batchShape = shape.clone();
            batchShape[0] = s.count();
            list.add(new InputBatch(batchShape, s.images(), s.labels()));
        }
        return new EvaluationData(complete(CalibrationData.of(list), model, modelName, sizes, source), count,
                test.classes(), List.of(), source.dataset() + " test[0:" + count + "]");
    }

    private static EvaluationData idx(CalibrationSource source, Path datasets, ModelProto model, String modelName,
            int maxSamples, ModelInputs sizes) {
        CalibrationInputs in = CalibrationInputs.load(source, datasets, model, modelName, 1, maxSamples,
                ModelInputs.none(), 0);
        if (!in.separateEvaluation()) {
            throw EdgeperfException.userError("evaluation " + source.text() + ": " + source.folder() + " has no"
                    + " t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte; expected the labelled test files there");
        }
        int samples = 0;
        for (InputBatch b : in.evaluation()) {
            samples += b.labels().length;
        }
        return new EvaluationData(complete(in.evaluation(), model, modelName, sizes, source), samples, 0, List.of(),
                source.text() + " t10k[0:" + samples + "]");
    }

    private static EvaluationData images(CalibrationSource source, ModelProto model, String modelName,
            ModelInputs sizes) {
        Path dir = source.folder();
        List<Path> classDirs = new ArrayList<>();
        List<String> loose = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(".")) {
                    continue;
                }
                if (Files.isDirectory(p)) {
                    classDirs.add(p);
                } else {
                    loose.add(name);
                }
            }
        } catch (IOException e) {
            throw EdgeperfException.userError("evaluation " + source.text() + ": " + dir + " cannot be listed ("
                    + e.getMessage() + "); expected a folder with one sub-folder of images per class");
        }
        if (classDirs.isEmpty()) {
            throw EdgeperfException.userError("evaluation " + source.text() + ": " + dir + " has no class sub-folders"
                    + (loose.isEmpty() ? "" : " (" + loose.size() + " loose files)") + "; expected one sub-folder of"
                    + " images per class, e.g. " + dir.resolve("cat") + "/1.png");
        }
        if (!loose.isEmpty()) {
            throw EdgeperfException.userError("evaluation " + source.text() + ": " + dir + " holds files beside its class"
                    + " sub-folders (" + loose.get(0) + (loose.size() > 1 ? " and " + (loose.size() - 1) + " more" : "")
                    + "); expected only one sub-folder of images per class");
        }
        List<InputBatch> all = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int samples = 0;
        for (int c = 0; c < classDirs.size(); c++) {
            Path classDir = classDirs.get(c);
            names.add(classDir.getFileName().toString());
            CalibrationSource one = new CalibrationSource(CalibrationSource.Kind.IMAGES, classDir, 0, source.text(),
                    source.preprocess());
            CalibrationInputs in = folder(one, model, modelName, sizes);
            for (InputBatch b : in.calibration()) {
                int[] labels = new int[(int) b.inputs().get(0).shape()[0]];
                java.util.Arrays.fill(labels, c);
                all.add(new InputBatch(b.inputs(), labels));
                samples += labels.length;
            }
        }
        return new EvaluationData(CalibrationData.of(all), samples, classDirs.size(), names,
                source.text() + " " + classDirs.size() + " classes, " + samples + " images");
    }

    private static EvaluationData tensors(CalibrationSource source, ModelProto model, String modelName,
            ModelInputs sizes) {
        Path labelsFile = source.folder().resolve(LABELS_FILE);
        if (!Files.isRegularFile(labelsFile)) {
            throw EdgeperfException.userError("evaluation " + source.text() + ": " + labelsFile + " is missing; expected"
                    + " one integer class per sample, in file order");
        }
        CalibrationInputs in = folder(source, model, modelName, sizes);
        int[] labels = labels(labelsFile);
        int samples = 0;
        for (InputBatch b : in.calibration()) {
            samples += (int) b.inputs().get(0).shape()[0];
        }
        if (labels.length != samples) {
            throw EdgeperfException.userError("evaluation " + source.text() + ": " + labelsFile + " has " + labels.length
                    + " labels but the folder gives " + samples + " samples; expected one label per sample");
        }
        List<InputBatch> all = new ArrayList<>();
        int at = 0;
        for (InputBatch b : in.calibration()) {
            int n = (int) b.inputs().get(0).shape()[0];
            all.add(new InputBatch(b.inputs(), java.util.Arrays.copyOfRange(labels, at, at + n)));
            at += n;
        }
        return new EvaluationData(CalibrationData.of(all), samples, 0, List.of(),
                source.text() + " " + samples + " samples");
    }

    /** A folder read as calibration reads it, every input fed. */
    private static CalibrationInputs folder(CalibrationSource source, ModelProto model, String modelName,
            ModelInputs sizes) {
        return FolderInputs.load(source, model, ModelInput.of(model, modelName, sizes), modelName, sizes, USE);
    }

    /** A dataset's batches (the first input only) with the model's other inputs added as calibration adds them. */
    private static CalibrationData complete(CalibrationData data, ModelProto model, String modelName, ModelInputs sizes,
            CalibrationSource source) {
        return TensorRuns.complete(data, model, modelName, sizes, source, USE);
    }

    /** Integers separated by white space or commas. */
    static int[] labels(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw EdgeperfException.userError("labels file " + file + " cannot be read: " + e.getMessage());
        }
        List<Integer> out = new ArrayList<>();
        for (String token : text.strip().split("[\\s,]+")) {
            if (token.isEmpty()) {
                continue;
            }
            try {
                int v = Integer.parseInt(token);
                if (v < 0) {
                    throw new NumberFormatException();
                }
                out.add(v);
            } catch (NumberFormatException e) {
                throw EdgeperfException.userError("labels file " + file + ": '" + token + "' (label " + (out.size() + 1)
                        + ") is not a class number; expected integers >= 0");
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
