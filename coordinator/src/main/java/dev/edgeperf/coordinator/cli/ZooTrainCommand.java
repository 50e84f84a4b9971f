package dev.edgeperf.coordinator.cli;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.train.MnistCnnTraining;
import dev.edgeperf.core.train.TrainingOptions;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code edgeperf zoo train mnist-cnn}: trains the zoo's mnist-cnn on MNIST (pure Java, see
 * {@link MnistCnnTraining}) and writes the weights resource the zoo ships, by default the checkout's
 * committed {@code core/src/main/resources/.../mnist-cnn.weights.bin}.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a zoo model on its dataset (only mnist-cnn) and write its weights resource.",
        footer = {"%nExample:", "  edgeperf zoo train mnist-cnn --epochs 2 --out /tmp/mnist-cnn.bin"})
final class ZooTrainCommand implements Callable<Integer> {
    static final String TRAINABLE = "mnist-cnn";

    @Parameters(paramLabel = "MODEL", description = "The model to train: mnist-cnn.")
    String model;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "" + TrainingOptions.DEFAULT_EPOCHS,
            description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--datasets", paramLabel = "DIR",
            description = "Datasets folder holding mnist/ (default: -Dedgeperf.datasets, $EDGEPERF_DATASETS, ./datasets).")
    Path datasets;

    @Option(names = "--out", paramLabel = "FILE.bin",
            description = "Weights file to write (default: the checkout's committed resource " + MnistCnnTraining.RESOURCE_PATH + ").")
    Path out;

    @Option(names = "--onnx", paramLabel = "FILE.onnx", description = "Also write the trained model as ONNX.")
    Path onnx;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "" + TrainingOptions.DEFAULT_SEED, description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", paramLabel = "N", description = "Training threads (default: min(2, cores)).")
    Integer threads;

    @Option(names = "--limit", defaultValue = "0", paramLabel = "N", description = "Train on the first N images only (0 = all).")
    int limit;

    @Mixin
    JsonOption json;

    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!TRAINABLE.equals(model)) {
            throw EdgeperfException.userError("only mnist-cnn can be trained, got '" + model + "'");
        }
        MnistCnnTraining.Options options = new MnistCnnTraining.Options(epochs, datasets,
                out != null ? out : MnistCnnTraining.checkoutWeightsFile(), onnx, seed,
                threads != null ? threads : TrainingOptions.DEFAULT_THREADS, limit);
        // Progress goes to stderr under --json so stdout stays one JSON document.
        Writer sink = json.json ? spec.commandLine().getErr() : spec.commandLine().getOut();
        PrintStream progress = new PrintStream(new WriterOutputStream(sink), true, StandardCharsets.UTF_8);
        MnistCnnTraining.Report report = MnistCnnTraining.run(options, progress);
        progress.flush();
        if (json.json) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("model", TRAINABLE);
            root.put("weights", options.out().toAbsolutePath().toString());
            root.put("onnx", options.onnx() == null ? null : options.onnx().toAbsolutePath().toString());
            root.put("epochs", report.training().epochs().size());
            root.put("testAccuracy", report.testAccuracy());
            root.put("testImages", report.testImages());
            spec.commandLine().getOut().println(CampaignReport.write(root));
            spec.commandLine().getOut().flush();
        }
        return 0;
    }

    /** Bytes to a picocli writer (UTF-8), so the trainer's PrintStream output lands where the CLI prints. */
    private static final class WriterOutputStream extends java.io.OutputStream {
        private final Writer writer;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

        WriterOutputStream(Writer writer) {
            this.writer = writer;
        }

        @Override
        public void write(int b) {
            line.write(b);
            if (b == '\n') {
                flush();
            }
        }

        @Override
        public void flush() {
            try {
                writer.write(line.toString(StandardCharsets.UTF_8));
                writer.flush();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            line.reset();
        }
    }
}
