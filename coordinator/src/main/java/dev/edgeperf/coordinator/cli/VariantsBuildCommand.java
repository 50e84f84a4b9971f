package dev.edgeperf.coordinator.cli;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.calibration.CalibrationInputs;
import dev.edgeperf.core.calibration.CalibrationSource;
import dev.edgeperf.core.onnx.ModelInputs;
import dev.edgeperf.core.cost.ModelProfiler;
import dev.edgeperf.core.cost.ProfileOptions;
import dev.edgeperf.core.io.AtomicFiles;
import dev.edgeperf.core.io.Digests;
import dev.edgeperf.core.onnx.OnnxModels;
import dev.edgeperf.core.onnx.ShapeArgs;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.edgeperf.core.data.LabeledImages;
import dev.edgeperf.core.train.ChainNet;
import dev.edgeperf.core.train.ChainTrainer;
import dev.edgeperf.core.train.CnnTrainer;
import dev.edgeperf.core.train.Distillation;
import dev.edgeperf.core.train.Students;
import dev.edgeperf.core.train.SeparableCnn;
import dev.edgeperf.core.variants.DistillRecipe;
import dev.edgeperf.core.variants.DistilledVariant;
import dev.edgeperf.core.train.MnistCnnOnnx;
import dev.edgeperf.core.train.TrainingOptions;
import dev.edgeperf.core.variants.Fidelity;
import dev.edgeperf.core.variants.InputBatch;
import dev.edgeperf.core.variants.OrtRunner;
import dev.edgeperf.core.variants.OutputTensor;
import dev.edgeperf.core.variants.TransformResult;
import dev.edgeperf.core.variants.VariantBuilder;
import dev.edgeperf.core.variants.VariantRecipe;
import dev.edgeperf.core.variants.VariantRecord;
import dev.edgeperf.core.variants.VariantTransforms;
import dev.edgeperf.core.zoo.ModelZoo;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code edgeperf variants build MODEL --variants LIST --out DIR}: one ONNX file per recipe
 * ({@code <model>.<recipe with ':' as '-'>.onnx}) and {@code manifest.json}, see {@link VariantsManifest}.
 *
 * <p>Nothing is half-written: every file is built in a hidden staging folder beside {@code DIR}; only
 * when all recipes succeeded are the files moved into {@code DIR}, and the manifest last (temp file +
 * rename). Inputs (recipes, calibration data shape, fine-tuning preconditions) are checked before any
 * work starts.
 */
@Command(name = "build", mixinStandardHelpOptions = true,
        description = "Build variant ONNX files of a zoo model or an ONNX file, with fidelity, accuracy and the ORT "
                + "kernels that really run, and write DIR/manifest.json.",
        footer = {"%nExample:", "  edgeperf variants build mnist-cnn --out variants/ --calibration mnist"
                + " --variants baseline,quantized:int8-static,clustered:16",
            "A second build into the same DIR adds its recipes to DIR/manifest.json."})
final class VariantsBuildCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", description = "Zoo name (see models list) or path to an .onnx file.")
    String model;

    /** Commas separate recipes, except before a KEY= (the options of a distilled recipe). */
    static final String RECIPE_SPLIT = ",(?![A-Za-z]+=)";

    @Option(names = "--variants", required = true, split = RECIPE_SPLIT, paramLabel = "RECIPE[,RECIPE...]",
            description = "baseline, pruned:unstructured:S, pruned:structured:S, quantized:int8-static[:minmax|:percentile|:mse]"
                    + "[:fp32-depthwise][:fp32-matmul][:fp32-sensitive=K],"
                    + " quantized:int8-dynamic, quantized:fp16, separable, clustered:K,"
                    + " distilled:STUDENT[:width=W,T=4,alpha=0.7,epochs=N,seed=S] (STUDENT mnist-cnn, mnist-cnn-pool or"
                    + " lenet5 trained on this model's soft labels); pruned and separable recipes of mnist-cnn,"
                    + " mnist-cnn-pool and lenet5 take a +finetune:N suffix (N epochs on the train split).")
    List<String> variants;

    @Option(names = "--value", paramLabel = "NAME=V[,V...]",
            description = "Values of an integer input fed to calibration and checks instead of generated data, e.g."
                    + " sr=16000 (repeatable).")
    List<String> values = new java.util.ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (created on success).")
    Path out;

    @Option(names = "--calibration", defaultValue = "random", paramLabel = "SOURCE",
            description = "Calibration and evaluation inputs: mnist or fashion-mnist (train split calibrates, test split"
                    + " measures fidelity and accuracy), random[:SEED], idx:DIR (IDX image files; a bare DIR too),"
                    + " images:DIR (.png/.jpg, see --preprocess) or tensors:DIR (.npy or ONNX TensorProto .pb files)."
                    + " Default: ${DEFAULT-VALUE}.")
    String calibration;

    @Option(names = "--preprocess", paramLabel = "KEY=VALUE[,...]",
            description = "How images:DIR become model input: resize=HxW, layout=nchw|nhwc, channels=rgb|bgr|gray,"
                    + " scale=1/255, mean=A/B/C, std=A/B/C (x = (pixel*scale - mean) / std). Default: no resize,"
                    + " layout and channels from the model input, scale=1/255.")
    String preprocess;

    @Option(names = "--calibration-batches", defaultValue = "4", paramLabel = "N",
            description = "Calibration batches (64 dataset images or 8 random inputs each, or the model's fixed batch)."
                    + " Default: ${DEFAULT-VALUE}.")
    int calibrationBatches;

    @Option(names = "--eval-images", defaultValue = "2000", paramLabel = "N",
            description = "Test images for fidelity and accuracy with a labelled dataset (default: ${DEFAULT-VALUE}).")
    int evalImages;

    @Mixin
    InputSizeOptions sizes;

    /**
     * Deprecated by {@code --dim}, kept hidden so scripts keep working: one size for every open non-batch
     * dim; null when not given.
     */
    @Option(names = "--free-dim", hidden = true, paramLabel = "N")
    Long freeDim;

    @Option(names = "--datasets", paramLabel = "DIR",
            description = "Datasets folder holding mnist/ and fashion-mnist/ (default: -Dedgeperf.datasets,"
                    + " $EDGEPERF_DATASETS, ./datasets, the checkout's datasets/).")
    Path datasets;

    /**
     * Fine-tuning starts near a minimum, so it takes smaller steps than training from scratch (1e-3): on
     * mnist-cnn, 1 epoch at 3e-4 took structured 50% from 69.4% to 98.05% (1e-3: 97.25%, 1e-4: 97.65%).
     */
    static final double DEFAULT_FINETUNE_LR = 3e-4;

    @Option(names = "--finetune-lr", defaultValue = "" + DEFAULT_FINETUNE_LR, paramLabel = "RATE",
            description = "Adam learning rate of the first fine-tuning epoch (default: ${DEFAULT-VALUE}).")
    double finetuneLr;

    @Option(names = "--train-images", paramLabel = "N", defaultValue = "0",
            description = "Train only on the first N images of the train split (fine-tuning and distillation);"
                    + " 0 = all (default).")
    int trainImages;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "2", description = "ONNX Runtime intra-op threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Mixin
    JsonOption json;

    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (calibrationBatches < 1) {
            throw EdgeperfException.userError("--calibration-batches must be a positive integer, got " + calibrationBatches);
        }
        if (evalImages < 1) {
            throw EdgeperfException.userError("--eval-images must be a positive integer, got " + evalImages);
        }
        if (!(finetuneLr > 0 && finetuneLr < 1)) {
            throw EdgeperfException.userError("--finetune-lr must be in (0, 1), got " + finetuneLr);
        }
        if (freeDim != null && freeDim < 1) {
            throw EdgeperfException.userError("--free-dim must be a positive integer, got " + freeDim);
        }

        if (trainImages < 0) {
            throw EdgeperfException.userError("--train-images must be 0 (all) or a positive integer, got " + trainImages);
        }
        if (threads < 1) {
            throw EdgeperfException.userError("--threads must be a positive integer, got " + threads);
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw EdgeperfException.userError("--out " + out + " exists and is not a directory");
        }
        List<FinetuneRecipe> recipes = recipes();
        Path file = Path.of(model);
        boolean isFile = model.endsWith(".onnx") || Files.isRegularFile(file);
        String modelName = isFile ? stem(file) : model;
        byte[] baselineBytes = isFile ? OnnxModels.readBytes(file) : ModelZoo.build(model);
        ModelProto baseline = OnnxModels.parse(baselineBytes, isFile ? file.toString() : model);
        boolean finetune = recipes.stream().anyMatch(FinetuneRecipe::finetuned);
        if (finetune) {
            checkFinetunable(baseline, modelName);
        }
        for (FinetuneRecipe r : recipes) {
            if (r.distilled()) {
                checkTeacher(baseline, modelName, r);
            }
        }
        CalibrationInputs inputs = CalibrationInputs.load(CalibrationSource.parse(calibration, preprocess, null),
                datasets, baseline, modelName, calibrationBatches, evalImages,
                new ModelInputs(sizes.shapes(), sizes.dimValues(), ShapeArgs.values(values)),
                freeDim == null ? 0 : freeDim);
        if (finetune && inputs.train() == null) {
            throw EdgeperfException.userError("+finetune needs labelled training images: use --calibration mnist or "
                    + "fashion-mnist, got '" + calibration + "'");
        }
        if (recipes.stream().anyMatch(FinetuneRecipe::distilled) && inputs.train() == null) {
            throw EdgeperfException.userError("distilled: needs labelled training images: use --calibration mnist or "
                    + "fashion-mnist, got '" + calibration + "'");
        }
        if (trainImages > 0 && inputs.train() != null && trainImages < inputs.train().count()) {
            inputs = new CalibrationInputs(inputs.calibration(), inputs.evaluation(), inputs.train().first(trainImages),
                    inputs.label(), inputs.describe());
        }
        Path target = out.toAbsolutePath().normalize();
        Map<String, Object> previous = VariantsManifest.readPrevious(target, modelName,
                Digests.sha256Hex(baselineBytes));
        // The staging folder is made before the long build, so a folder that cannot be written fails now.
        Path staging = createStaging(target);
        Map<String, Object> manifest;
        try {
            manifest = build(recipes, baseline, baselineBytes, modelName, isFile, inputs, staging);
            List<String> built = files(manifest);
            if (previous != null) {
                manifest = VariantsManifest.merge(previous, manifest);
            }
            publish(staging, target, built, manifest);
        } catch (IOException e) {
            throw EdgeperfException.userError("cannot write --out " + out + ": " + IoReasons.of(e));
        } finally {
            VariantsManifest.deleteTree(staging);
        }
        PrintWriter o = spec.commandLine().getOut();
        if (json.json) {
            o.println(CampaignReport.write(manifest));
        } else {
            o.print(VariantsManifest.table(manifest));
            o.printf("wrote %d variant files and manifest.json to %s%n", files(manifest).size(), out);
            if (manifest.get("variants") instanceof List<?> built) {
                for (Object v : built) {
                    Map<?, ?> m = (Map<?, ?>) v;
                    if (Boolean.TRUE.equals(m.get("noop"))) {
                        o.printf("%s no-op: %s%n", m.get("recipe"), m.get("noopReason"));
                    }
                }
            }
            if (manifest.get("skipped") instanceof List<?> skipped) {
                for (Object sk : skipped) {
                    Map<?, ?> m = (Map<?, ?>) sk;
                    o.printf("skipped %s: %s%n", m.get("recipe"), m.get("reason"));
                }
            }
        }
        o.flush();
        return 0;
    }

    private List<FinetuneRecipe> recipes() {
        List<FinetuneRecipe> recipes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String text : variants) {
            FinetuneRecipe r = FinetuneRecipe.parse(text);
            if (!seen.add(r.text())) {
                throw EdgeperfException.userError("recipe '" + r.text() + "' is listed twice in --variants");
            }
            recipes.add(r);
        }
        if (recipes.isEmpty()) {
            throw EdgeperfException.userError("--variants is empty; " + "expected e.g. baseline,quantized:int8-static");
        }
        return recipes;
    }

    private static void checkFinetunable(ModelProto baseline, String modelName) {
        try {
            ChainNet.of(baseline);
        } catch (EdgeperfException e) {
            throw EdgeperfException.userError("+finetune works only on models the built-in trainer knows (mnist-cnn,"
                    + " mnist-cnn-pool, lenet5 and other chains of Conv/Relu/Tanh/pooling/Gemm); " + modelName + ": "
                    + e.getMessage());
        }
    }

    private Map<String, Object> build(List<FinetuneRecipe> recipes, ModelProto baseline, byte[] baselineBytes,
            String modelName, boolean isFile, CalibrationInputs inputs, Path staging) throws IOException {
        OrtRunner runner = new OrtRunner(threads);
        VariantBuilder builder = new VariantBuilder(runner);
        Evaluation eval = new Evaluation(runner, inputs, baseline, modelName);
        VariantBuilder.Baseline reference = builder.baseline(baseline, modelName, inputs.calibration());
        java.util.Optional<String> warning = reference.degenerateWarning();
        warning.ifPresent(w -> {
            spec.commandLine().getErr().println(w);
            spec.commandLine().getErr().flush();
        });
        List<Map<String, Object>> entries = new ArrayList<>();
        List<Map<String, Object>> skipped = new ArrayList<>();
        int i = 0;
        for (FinetuneRecipe r : recipes) {
            progress("[%d/%d] %s", ++i, recipes.size(), r.text());
            VariantRecord record;
            Map<String, Object> extra = new LinkedHashMap<>();
            if (r.distilled()) {
                record = distilled(r, baseline, baselineBytes, modelName, inputs, staging, builder, eval, extra);
            } else if (!r.finetuned()) {
                try {
                    VariantBuilder.Built built = builder.variant(reference, r.base());
                    Files.write(staging.resolve(built.record().file()), built.bytes());
                    record = built.record();
                } catch (EdgeperfException e) {
                    // In a multi-recipe build one recipe that cannot apply or that breaks the model is
                    // skipped with its reason; the others are built. Alone, it is the command's error.
                    if (recipes.size() == 1 || e.category() != dev.edgeperf.core.ErrorCategory.USER_ERROR) {
                        throw e;
                    }
                    progress("skipped %s: %s", r.text(), e.getMessage());
                    skipped.add(Map.of("recipe", r.text(), "reason", e.getMessage()));
                    continue;
                }
                if (inputs.separateEvaluation()) {
                    record = withFidelity(record, eval.of(OnnxModels.read(staging.resolve(record.file())), r.text()),
                            record.recipe(), record.file(), record.notes());
                }
            } else {
                record = finetuned(r, baseline, modelName, inputs, staging, runner, builder, eval, extra);
            }
            record = withMacs(record, staging.resolve(record.file()));
            Map<String, Object> entry = new LinkedHashMap<>(record.toManifestEntry());
            entry.put("accuracy", record.fidelity().variantAccuracy());
            entry.putAll(extra);
            entries.add(entry);
        }
        if (entries.isEmpty()) {
            throw EdgeperfException.userError("no recipe could be built: " + skipped.stream()
                    .map(m -> m.get("recipe") + " (" + m.get("reason") + ")").collect(java.util.stream.Collectors.joining("; ")));
        }
        Map<String, Object> manifest = VariantsManifest.manifest(modelName,
                isFile ? Path.of(model).toAbsolutePath().toString() : "zoo:" + model, baselineBytes,
                macs(baselineBytes, modelName), eval.baselineAccuracy(), inputs, threads, entries);
        warning.ifPresent(w -> manifest.put("warnings", List.of(w)));
        if (!skipped.isEmpty()) {
            manifest.put("skipped", skipped);
        }
        return manifest;
    }

    /** Applies the pruning recipe, records its accuracy, fine-tunes on the train split, then measures the result. */
    private VariantRecord finetuned(FinetuneRecipe r, ModelProto baseline, String modelName, CalibrationInputs inputs,
            Path staging, OrtRunner runner, VariantBuilder builder, Evaluation eval, Map<String, Object> extra)
            throws IOException {
        TransformResult pruned = VariantTransforms.apply(baseline, r.base(), inputs.calibration(), runner);
        Fidelity before = eval.of(pruned.model(), r.base().text());
        TrainingOptions options = TrainingOptions.defaults(r.epochs()).withLearningRate(finetuneLr);
        long start = System.nanoTime();
        boolean separable = r.base().kind() == VariantRecipe.Kind.SEPARABLE;
        // mnist-cnn keeps its own (faster, vectorised) trainers; every other chain model trains as a ChainNet
        boolean mnistCnn = MnistCnnOnnx.OP_TYPES.equals(baseline.getGraph().getNodeList().stream()
                .map(ai.onnx.proto.OnnxMl.NodeProto::getOpType).toList());
        byte[] tuned = !mnistCnn
                ? ChainTrainer.finetuneModel(pruned.model().toByteArray(), inputs.train(), options,
                        stats -> progress("  fine-tune %s", stats))
                : separable
                ? SeparableCnn.finetuneModel(pruned.model().toByteArray(), inputs.train(), options,
                        stats -> progress("  fine-tune %s", stats))
                : CnnTrainer.finetuneModel(pruned.model().toByteArray(), inputs.train(), options,
                        stats -> progress("  fine-tune %s", stats));
        double seconds = (System.nanoTime() - start) / 1e9;
        ModelProto[] labelled = new ModelProto[1];
        VariantRecord raw = trainedRecord(OnnxModels.parse(tuned, r.text()), r, baseline, modelName, inputs, staging,
                builder, labelled);
        String file = raw.file();
        Fidelity after = eval.of(labelled[0], r.text());
        List<String> notes = new ArrayList<>(pruned.notes());
        notes.add(String.format(Locale.ROOT, "fine-tuned %d epoch(s) on %,d train images (Adam lr %.1e, batch %d, seed %d)"
                + " in %.1f s; %s", r.epochs(), inputs.train().count(),
                options.learningRate(), options.batchSize(), options.seed(), seconds,
                separable ? "depthwise and pointwise weights trained from their SVD initialisation"
                        : "zero weights and removed channels stay removed"));
        extra.put("accuracyBeforeFinetune", before.variantAccuracy());
        extra.put("top1AgreementBeforeFinetune", before.top1Agreement());
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("epochs", r.epochs());
        info.put("trainImages", inputs.train().count());
        info.put("learningRate", options.learningRate());
        info.put("seconds", Math.round(seconds * 10) / 10.0);
        extra.put("finetune", info);
        return withFidelity(raw, after, r.text(), file, notes);
    }

    /**
     * Writes a trained model as the variant file of {@code r} and returns its record (size, parameters, MACs,
     * kernels; fidelity still to be measured), with the written model in {@code labelled[0]}.
     */
    private static VariantRecord trainedRecord(ModelProto trained, FinetuneRecipe r, ModelProto baseline,
            String modelName, CalibrationInputs inputs, Path staging, VariantBuilder builder, ModelProto[] labelled)
            throws IOException {
        // The builder measures size, parameters, MACs and kernels of the trained graph taken as its own
        // "baseline"; fidelity is then measured against the real baseline.
        Path scratch = Files.createDirectory(staging.resolve(".trained-" + r.fileSuffix()));
        VariantRecord raw = builder.build(trained, modelName, List.of(VariantRecipe.parse("baseline")),
                inputs.calibration(), scratch).get(0);
        String file = modelName + "." + r.fileSuffix() + ".onnx";
        // The builder labelled the file "variant baseline"; say what it is (sizes and digest follow the bytes).
        labelled[0] = OnnxModels.read(scratch.resolve(raw.file())).toBuilder()
                .setDocString("variant " + r.text() + " of " + baseline.getGraph().getName()).build();
        byte[] bytes = labelled[0].toByteArray();
        Files.write(staging.resolve(file), bytes);
        VariantsManifest.deleteTree(scratch);
        return new VariantRecord(raw.model(), r.text(), file, Digests.sha256Hex(bytes), raw.paramsTotal(),
                raw.paramsNonZero(), bytes.length, VariantBuilder.gzipSize(bytes), raw.fidelity(), raw.executedKernels(),
                raw.notes(), raw.macsDense(), raw.macsEffective());
    }

    /**
     * Trains the student of a distillation recipe on the teacher's (the baseline's) soft labels over the train
     * split, and the same student with the same epochs and seed on the hard labels only; writes the distilled one
     * and records both accuracies and the teacher's, all on the evaluation (test) split.
     */
    private VariantRecord distilled(FinetuneRecipe r, ModelProto baseline, byte[] baselineBytes, String modelName,
            CalibrationInputs inputs, Path staging, VariantBuilder builder, Evaluation eval, Map<String, Object> extra)
            throws IOException {
        DistillRecipe d = r.distill();
        TrainingOptions options = d.options();
        LabeledImages train = inputs.train();
        progress("  teacher logits over %,d train images", train.count());
        DistilledVariant.Result result = DistilledVariant.build(builder, baselineBytes, modelName, d, train,
                inputs.calibration(), (what, stats) -> progress("  %s %s", what, stats));
        Distillation.Trained trained = result.trained();
        double seconds = trained.seconds();
        ModelProto hardModel = trained.hardLabels();
        VariantRecord raw = result.record();
        Files.write(staging.resolve(raw.file()), result.bytes());
        ModelProto[] labelled = {result.model()};
        Fidelity after = eval.of(labelled[0], r.text());
        Fidelity hardOnly = eval.of(hardModel, r.text() + " hard labels only");
        int evalCount = 0;
        for (InputBatch b : inputs.evaluation()) {
            evalCount += b.labels() == null ? 0 : b.labels().length;
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("student", d.student());
        info.put("width", d.width());
        info.put("layers", trained.layers());
        info.put("parameters", trained.parameters());
        info.put("temperature", d.temperature());
        info.put("alpha", d.alpha());
        info.put("epochs", d.epochs());
        info.put("seed", d.seed());
        info.put("learningRate", options.learningRate());
        info.put("trainedOn", calibration + " train split, first " + train.count() + " images");
        info.put("evaluatedOn", calibration + " test split, first " + evalCount + " images");
        info.put("teacherAccuracy", eval.baselineAccuracy());
        info.put("distilledAccuracy", after.variantAccuracy());
        info.put("hardLabelAccuracy", hardOnly.variantAccuracy());
        info.put("seconds", Math.round(seconds * 10) / 10.0);
        extra.put("distillation", info);
        List<String> notes = new ArrayList<>();
        notes.add(String.format(Locale.ROOT, "student %s (%s) trained %d epoch(s) on %,d %s train"
                + " images: %.2f x T^2 x KL(teacher/T=%s || student/T) + %.2f x CE(labels), Adam lr %.1e, batch %d,"
                + " seed %d, %.1f s; test accuracy distilled %s vs hard labels only %s (teacher %s)", d.student(),
                Distillation.describe(trained.layers()), d.epochs(), train.count(), calibration, d.alpha(),
                d.temperature(), 1 - d.alpha(), options.learningRate(), options.batchSize(), d.seed(), seconds,
                percent(after.variantAccuracy()), percent(hardOnly.variantAccuracy()), percent(eval.baselineAccuracy())));
        return withFidelity(raw, after, r.text(), raw.file(), notes);
    }

    private static String percent(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.2f%%", v * 100);
    }

    /**
     * A distillation teacher must take one float image input [N, 1, H, W] (the student is single-channel) and
     * give [N, classes] as its first output.
     */
    private static void checkTeacher(ModelProto teacher, String modelName, FinetuneRecipe r) {
        GraphProto g = teacher.getGraph();
        List<ValueInfoProto> ins = DistilledVariant.imageInputs(g);
        if (ins.size() != 1) {
            throw EdgeperfException.userError("recipe '" + r.text() + "': teacher " + modelName + " has " + ins.size()
                    + " inputs; the student takes one image input [N,1,H,W]");
        }
        List<TensorShapeProto.Dimension> dims = ins.get(0).getType().getTensorType().getShape().getDimList();
        boolean rank4 = dims.size() == 4;
        boolean oneChannel = rank4 && (!dims.get(1).hasDimValue() || dims.get(1).getDimValue() == 1);
        if (!rank4 || !oneChannel || ins.get(0).getType().getTensorType().getElemType() != 1) {
            throw EdgeperfException.userError("recipe '" + r.text() + "': student " + r.distill().student()
                    + " cannot take teacher " + modelName + "'s input '" + ins.get(0).getName() + "' " + shape(dims)
                    + "; it takes float [N,1,H,W] single-channel images");
        }
        if (!r.distill().mnistCnn() && dims.get(2).hasDimValue() && dims.get(3).hasDimValue()) {
            // builds the (small) student graph only, so a student that cannot take the images fails before any work
            Students.student(r.distill().student(), r.distill().width(), (int) dims.get(2).getDimValue(),
                    (int) dims.get(3).getDimValue(), 10, "input", "output", r.distill().seed());
        }
        List<TensorShapeProto.Dimension> out = g.getOutputCount() == 0 ? List.of()
                : g.getOutput(0).getType().getTensorType().getShape().getDimList();
        if (out.size() != 2) {
            throw EdgeperfException.userError("recipe '" + r.text() + "': teacher " + modelName + "'s output "
                    + (g.getOutputCount() == 0 ? "(none)" : "'" + g.getOutput(0).getName() + "' " + shape(out))
                    + " is not [N, classes]; distillation needs a classifier");
        }
    }

    private static String shape(List<TensorShapeProto.Dimension> dims) {
        return dims.stream().map(d -> d.hasDimValue() ? Long.toString(d.getDimValue())
                : d.getDimParam().isEmpty() ? "?" : d.getDimParam()).collect(java.util.stream.Collectors.joining(",", "[", "]"));
    }

    private static VariantRecord withFidelity(VariantRecord r, Fidelity f, String recipe, String file, List<String> notes) {
        return new VariantRecord(r.model(), recipe, file, r.sha256(), r.paramsTotal(), r.paramsNonZero(), r.fileBytes(),
                r.gzipBytes(), f, r.executedKernels(), notes, r.macsDense(), r.macsEffective(), r.noopReason());
    }

    /** Fills dense MACs from the profiler when the builder could not count them. */
    private static VariantRecord withMacs(VariantRecord r, Path file) throws IOException {
        if (r.macsDense() != null) {
            return r;
        }
        Long dense = macs(Files.readAllBytes(file), r.model() + " " + r.recipe());
        if (dense == null) {
            return r;
        }
        List<String> notes = new ArrayList<>(r.notes());
        notes.add("dense MACs from the profiler; effective MACs not traced");
        return new VariantRecord(r.model(), r.recipe(), r.file(), r.sha256(), r.paramsTotal(), r.paramsNonZero(),
                r.fileBytes(), r.gzipBytes(), r.fidelity(), r.executedKernels(), notes, dense, null, r.noopReason());
    }

    /** Total MACs per sample at batch 1, or null when the profiler cannot infer the shapes. */
    private static Long macs(byte[] bytes, String name) {
        try {
            return ModelProfiler.profile(bytes, name, ProfileOptions.batch(1)).totalMacs();
        } catch (EdgeperfException e) {
            return null;
        }
    }

    private Path createStaging(Path target) {
        Path parent = target.getParent();
        try {
            Files.createDirectories(parent);
            return Files.createTempDirectory(parent, "." + target.getFileName() + ".partial-");
        } catch (IOException e) {
            throw EdgeperfException.userError("cannot write --out " + out + ": cannot create a folder in " + parent
                    + " (" + IoReasons.of(e) + ")");
        }
    }

    /** Moves the built files into {@code target}, then writes the manifest (temp + rename). */
    private static void publish(Path staging, Path target, List<String> built, Map<String, Object> manifest)
            throws IOException {
        Files.createDirectories(target);
        for (String name : built) {
            AtomicFiles.commit(staging.resolve(name), target.resolve(name));
        }
        AtomicFiles.writeString(target.resolve("manifest.json"), CampaignReport.write(manifest) + "\n");
    }

    @SuppressWarnings("unchecked")
    private static List<String> files(Map<String, Object> manifest) {
        return ((List<Map<String, Object>>) manifest.get("variants")).stream().map(e -> (String) e.get("file")).toList();
    }

    private void progress(String format, Object... args) {
        spec.commandLine().getErr().printf("variants build: " + format + "%n", args);
        spec.commandLine().getErr().flush();
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
    }

    /** Baseline outputs over the evaluation inputs, computed once, and the fidelity of a variant against them. */
    private static final class Evaluation {
        private final OrtRunner runner;
        private final CalibrationInputs inputs;
        private final List<OutputTensor> base;
        private final List<int[]> labels = new ArrayList<>();

        Evaluation(OrtRunner runner, CalibrationInputs inputs, ModelProto baseline, String modelName) {
            this.runner = runner;
            this.inputs = inputs;
            for (InputBatch b : inputs.evaluation()) {
                labels.add(b.labels());
            }
            base = runner.runShaped(baseline, inputs.evaluation(), "baseline " + modelName);
        }

        /** Fidelity with its output shapes, so top-1 and accuracy only for classifier-shaped outputs. */
        Fidelity of(ModelProto variant, String what) {
            return Fidelity.compare(base, runner.runShaped(variant, inputs.evaluation(), what), labels);
        }

        Double baselineAccuracy() {
            return Fidelity.compare(base, base, labels).baselineAccuracy();
        }
    }
}
