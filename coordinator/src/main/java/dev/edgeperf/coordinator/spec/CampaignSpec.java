package dev.edgeperf.coordinator.spec;

import dev.edgeperf.coordinator.schedule.TrainingData;
import dev.edgeperf.coordinator.grpc.CampaignMessages;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.onnx.ModelInputs;
import dev.edgeperf.proto.MeasurementSettings;
import dev.edgeperf.proto.SubmitCampaignRequest;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.edgeperf.core.calibration.CalibrationSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed, validated campaign spec (see {@link CampaignSpecParser} for the YAML form).
 *
 * @param models     zoo names, or .onnx files (absolute paths, resolved against the spec's folder)
 * @param selectors  device selectors in canonical text; "all" = each agent connected at submit time
 * @param source     the spec file's text, kept with the campaign for provenance
 * @param calibrations model display name -> its own calibration, {@code ""} -> the campaign's; empty = random
 * @param evaluation   labelled data every variant's accuracy is measured on ({@code evaluation:}), or null
 * @param training     the train split {@code distilled:} variants train on ({@code training:}), or null
 */
public record CampaignSpec(Optional<String> name, List<ModelRef> models, List<String> variants,
                           List<Integer> batchSizes, List<Integer> threads, List<Mode> modes, List<String> selectors,
                           MeasurementSettings settings, String source, Map<String, CalibrationSource> calibrations,
                           CalibrationSource evaluation, TrainingData training) {
    /** Without training data. */
    public CampaignSpec(Optional<String> name, List<ModelRef> models, List<String> variants,
                        List<Integer> batchSizes, List<Integer> threads, List<Mode> modes, List<String> selectors,
                        MeasurementSettings settings, String source, Map<String, CalibrationSource> calibrations,
                        CalibrationSource evaluation) {
        this(name, models, variants, batchSizes, threads, modes, selectors, settings, source, calibrations, evaluation,
                null);
    }

    /** Without evaluation data. */
    public CampaignSpec(Optional<String> name, List<ModelRef> models, List<String> variants,
                        List<Integer> batchSizes, List<Integer> threads, List<Mode> modes, List<String> selectors,
                        MeasurementSettings settings, String source, Map<String, CalibrationSource> calibrations) {
        this(name, models, variants, batchSizes, threads, modes, selectors, settings, source, calibrations, null);
    }

    /**
     * A zoo model or a file, with the input sizes given for it.
     *
     * @param inputs full input shapes and named dims ({@link ModelInputs#none()} when none are given)
     */
    public record ModelRef(String zooName, Path file, ModelInputs inputs) {
        public ModelRef {
            if ((zooName == null) == (file == null)) {
                throw new IllegalArgumentException("exactly one of zooName and file must be set");
            }
            Objects.requireNonNull(inputs, "inputs is null");
        }

        /** A model with no input sizes given. */
        public ModelRef(String zooName, Path file) {
            this(zooName, file, ModelInputs.none());
        }

        /** The name jobs carry: the zoo name, or the file name. */
        public String displayName() {
            return zooName != null ? zooName : file.getFileName().toString();
        }
    }

    public CampaignSpec {
        Objects.requireNonNull(name, "name is null");
        models = List.copyOf(models);
        variants = List.copyOf(variants);
        batchSizes = List.copyOf(batchSizes);
        threads = List.copyOf(threads);
        modes = List.copyOf(modes);
        selectors = List.copyOf(selectors);
        Objects.requireNonNull(settings, "settings is null");
        Objects.requireNonNull(source, "source is null");
        calibrations = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(calibrations));
    }

    /** Without calibration data (random inputs). */
    public CampaignSpec(Optional<String> name, List<ModelRef> models, List<String> variants, List<Integer> batchSizes,
                        List<Integer> threads, List<Mode> modes, List<String> selectors, MeasurementSettings settings,
                        String source) {
        this(name, models, variants, batchSizes, threads, modes, selectors, settings, source, Map.of());
    }

    /** Jobs this spec plans per matching selector target (models x variants x batches x threads x modes). */
    public int pointsPerTarget() {
        return models.size() * variants.size() * batchSizes.size() * threads.size() * modes.size();
    }

    /**
     * The request the CLI sends, without the model files: those are uploaded first and then named
     * by digest in {@code model_files} (see {@link #modelFiles()}).
     */
    public SubmitCampaignRequest toRequest() {
        SubmitCampaignRequest.Builder request = SubmitCampaignRequest.newBuilder().addAllVariants(variants)
                .addAllBatchSizes(batchSizes).addAllIntraOpThreads(threads).addAllSelectors(selectors)
                .addAllModes(modes.stream().map(Mode::toString).toList()).setSettings(settings).setSpecSource(source);
        name.ifPresent(request::setName);
        calibrations.forEach((model, c) -> request.addCalibrations(calibrationMessage(model, c)));
        if (evaluation != null) {
            request.addEvaluations(evaluationMessage("", evaluation));
        }
        if (training != null) {
            request.setTraining(training.source()).setTrainImages(training.trainImages());
        }
        for (ModelRef model : models) {
            request.addModels(model.displayName());
            if (!model.inputs().isEmpty()) {
                request.putModelInputs(model.displayName(), CampaignMessages.sizes(model.inputs()));
            }
        }
        return request.build();
    }

    /** Display name -> file of the models that are files, in spec order. */
    public Map<String, Path> modelFiles() {
        Map<String, Path> files = new LinkedHashMap<>();
        for (ModelRef model : models) {
            if (model.file() != null) {
                files.put(model.displayName(), model.file());
            }
        }
        return files;
    }

    /**
     * The wire form of an evaluation source, checked here before anything is sent: an image folder's class
     * sub-folders travel as {@code CLASS/FILE} (it must hold only sub-folders), a tensor folder needs its
     * labels file, and random data has no labels.
     *
     * @param model the model it is for, "" = every model without its own
     * @throws EdgeperfException USER_ERROR for a source without labels or a folder that does not have its layout
     */
    public static dev.edgeperf.proto.ModelCalibration evaluationMessage(String model, CalibrationSource source) {
        String what = "evaluation " + source.text();
        if (source.kind() == CalibrationSource.Kind.RANDOM) {
            throw EdgeperfException.userError("evaluation '" + source.text() + "' has no labels; expected mnist,"
                    + " fashion-mnist, images:DIR (one sub-folder per class), tensors:DIR (with "
                    + dev.edgeperf.core.calibration.EvaluationData.LABELS_FILE + ") or idx:DIR");
        }
        if (source.kind() != CalibrationSource.Kind.IMAGES) {
            dev.edgeperf.proto.ModelCalibration m = calibrationMessage(model, source);
            if (source.kind() == CalibrationSource.Kind.TENSORS && m.getFilesList().stream()
                    .noneMatch(f -> f.getName().equals(dev.edgeperf.core.calibration.EvaluationData.LABELS_FILE))) {
                throw EdgeperfException.userError(what + ": " + source.folder().resolve(
                        dev.edgeperf.core.calibration.EvaluationData.LABELS_FILE) + " is missing; expected one integer"
                        + " class per sample, in file order");
            }
            return m;
        }
        if (!Files.isDirectory(source.folder())) {
            throw EdgeperfException.userError(what + ": " + source.folder() + " does not exist or is not a folder");
        }
        dev.edgeperf.proto.ModelCalibration.Builder m = dev.edgeperf.proto.ModelCalibration.newBuilder().setModel(model)
                .setSource(source.text()).setPreprocess(source.preprocess().text());
        long total = 0;
        try {
            List<Path> entries = visible(source.folder());
            List<Path> loose = entries.stream().filter(p -> !Files.isDirectory(p)).toList();
            if (!loose.isEmpty()) {
                throw EdgeperfException.userError(what + ": " + source.folder() + " holds files beside its class"
                        + " sub-folders (" + loose.get(0).getFileName() + "); expected only one sub-folder of images per"
                        + " class");
            }
            if (entries.isEmpty()) {
                throw EdgeperfException.userError(what + ": " + source.folder() + " has no class sub-folders; expected"
                        + " one sub-folder of images per class");
            }
            for (Path classDir : entries) {
                List<Path> files = visible(classDir).stream().filter(Files::isRegularFile).toList();
                if (files.isEmpty()) {
                    throw EdgeperfException.userError(what + ": class folder " + classDir + " holds no images");
                }
                for (Path f : files) {
                    total = add(m, classDir.getFileName() + "/" + f.getFileName(), f, total, what + ": "
                            + source.folder());
                }
            }
        } catch (IOException e) {
            throw EdgeperfException.userError("cannot read " + what + " folder " + source.folder() + ": "
                    + e.getMessage());
        }
        return m.build();
    }

    /**
     * The wire form of a calibration source: for a folder, its files (plain files, hidden ones left out), which
     * the coordinator may not see otherwise; a tensor folder's sub-folders (one per run, as ONNX test data's
     * {@code test_data_set_0/}) travel as {@code RUN/FILE}, so a campaign reads the layouts {@code variants build}
     * reads.
     *
     * @param model the model it is for, "" = every model without its own
     * @throws EdgeperfException USER_ERROR when the folder cannot be read or its files exceed what a campaign carries
     */
    public static dev.edgeperf.proto.ModelCalibration calibrationMessage(String model, CalibrationSource source) {
        dev.edgeperf.proto.ModelCalibration.Builder m = dev.edgeperf.proto.ModelCalibration.newBuilder().setModel(model)
                .setSource(source.text()).setPreprocess(source.preprocess().text());
        if (source.folder() == null) {
            return m.build();
        }
        if (!Files.isDirectory(source.folder())) {
            throw EdgeperfException.userError("calibration folder " + source.folder() + " (" + source.text()
                    + ") does not exist or is not a folder");
        }
        boolean runs = source.kind() == CalibrationSource.Kind.TENSORS;
        String what = "calibration folder " + source.folder();
        long total = 0;
        try {
            for (Path f : visible(source.folder())) {
                if (Files.isDirectory(f) && runs) {
                    for (Path g : visible(f)) {
                        if (Files.isRegularFile(g)) {
                            total = add(m, f.getFileName() + "/" + g.getFileName(), g, total, what);
                        }
                    }
                } else if (Files.isRegularFile(f)) {
                    total = add(m, f.getFileName().toString(), f, total, what);
                }
            }
        } catch (IOException e) {
            throw EdgeperfException.userError("cannot read calibration folder " + source.folder() + ": " + e.getMessage());
        }
        return m.build();
    }

    private static List<Path> visible(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }

    /** Adds one file, refusing a folder whose files together exceed what a campaign carries. */
    private static long add(dev.edgeperf.proto.ModelCalibration.Builder m, String name, Path f, long total,
            String what) throws IOException {
        byte[] bytes = Files.readAllBytes(f);
        if (total + bytes.length > dev.edgeperf.coordinator.schedule.CampaignPlanner.MAX_UPLOAD_BYTES) {
            throw EdgeperfException.userError(what + " holds more than "
                    + dev.edgeperf.coordinator.schedule.CampaignPlanner.MAX_UPLOAD_BYTES + " bytes; a campaign"
                    + " carries at most that (use fewer or smaller files)");
        }
        m.addFiles(dev.edgeperf.proto.CalibrationFile.newBuilder().setName(name).setData(ByteString.copyFrom(bytes)));
        return total + bytes.length;
    }
}
