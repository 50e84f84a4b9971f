package dev.edgeperf.core.data;

import dev.edgeperf.core.EdgeperfException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Loads the known datasets from a datasets folder laid out by {@code scripts/fetch-datasets.sh}:
 * {@code DIR/mnist/} and {@code DIR/fashion-mnist/}, each with the four standard IDX files
 * ({@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-...}), plain or
 * with a {@code .gz} suffix. The folder passed may also be the dataset's own folder.
 *
 * <p>Images come back as [N, 1, 28, 28] floats in [0, 1]; 10 classes.
 */
public final class Datasets {
    /** Name of MNIST (handwritten digits), as used on the command line and as the folder name. */
    public static final String MNIST = "mnist";
    /** Name of Fashion-MNIST (Zalando article images), as used on the command line and as the folder name. */
    public static final String FASHION_MNIST = "fashion-mnist";
    private static final int CLASSES = 10;

    private Datasets() {
    }

    /** Names of the datasets this class can load. */
    public static List<String> names() {
        return List.of(MNIST, FASHION_MNIST);
    }

    /**
     * MNIST train (60,000) and test (10,000) splits.
     *
     * @param dir the datasets folder (containing {@code mnist/}) or the MNIST folder itself
     * @throws EdgeperfException USER_ERROR naming the missing or malformed file
     */
    public static Dataset mnist(Path dir) {
        return load(MNIST, dir);
    }

    /**
     * Fashion-MNIST train (60,000) and test (10,000) splits.
     *
     * @param dir the datasets folder (containing {@code fashion-mnist/}) or the Fashion-MNIST folder itself
     * @throws EdgeperfException USER_ERROR naming the missing or malformed file
     */
    public static Dataset fashionMnist(Path dir) {
        return load(FASHION_MNIST, dir);
    }

    /**
     * Both splits of the named dataset.
     *
     * @throws EdgeperfException USER_ERROR for an unknown name or a missing or malformed file
     */
    public static Dataset load(String name, Path dir) {
        return new Dataset(name, load(name, dir, Split.TRAIN), load(name, dir, Split.TEST));
    }

    /**
     * One split of the named dataset (loading only the test split is ~6x faster than both).
     *
     * @throws EdgeperfException USER_ERROR for an unknown name or a missing or malformed file
     */
    public static LabeledImages load(String name, Path dir, Split split) {
        Objects.requireNonNull(split, "split is null");
        Path folder = folder(name, dir);
        return IdxReader.readLabeled(file(folder, split.filePrefix() + "-images-idx3-ubyte"),
                file(folder, split.filePrefix() + "-labels-idx1-ubyte"), CLASSES);
    }

    /** Whether {@code dir} holds all four IDX files of the named dataset (without reading them). */
    public static boolean isPresent(String name, Path dir) {
        checkName(name);
        Path folder = dir.resolve(name);
        if (!Files.isDirectory(folder)) {
            folder = dir;
        }
        for (Split split : Split.values()) {
            for (String kind : List.of("-images-idx3-ubyte", "-labels-idx1-ubyte")) {
                String base = split.filePrefix() + kind;
                if (!Files.isRegularFile(folder.resolve(base)) && !Files.isRegularFile(folder.resolve(base + ".gz"))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static Path folder(String name, Path dir) {
        checkName(name);
        Objects.requireNonNull(dir, "dir is null");
        Path own = dir.resolve(name);
        if (Files.isDirectory(own)) {
            return own;
        }
        String testLabels = Split.TEST.filePrefix() + "-labels-idx1-ubyte";
        if (Files.exists(dir.resolve(testLabels)) || Files.exists(dir.resolve(testLabels + ".gz"))) {
            return dir;
        }
        throw EdgeperfException.userError("dataset '" + name + "' not found: expected folder " + own
                + " with IDX files (run scripts/fetch-datasets.sh " + dir + ")");
    }

    private static Path file(Path folder, String base) {
        Path plain = folder.resolve(base);
        if (Files.exists(plain)) {
            return plain;
        }
        Path gz = folder.resolve(base + ".gz");
        return Files.exists(gz) ? gz : plain;
    }

    private static void checkName(String name) {
        if (!names().contains(name)) {
            throw EdgeperfException.userError("unknown dataset '" + name + "': expected one of " + String.join(", ", names()));
        }
    }
}
