package dev.edgeperf.core.calibration;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.data.Datasets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Where calibration and evaluation inputs come from, as the user wrote it ({@code --calibration},
 * spec {@code calibration:}):
 * <ul>
 * <li>{@code random} or {@code random:SEED}: random inputs for every graph input;</li>
 * <li>{@code mnist}, {@code fashion-mnist}: the dataset's train split calibrates, its test split evaluates;</li>
 * <li>{@code idx:DIR} (or a bare {@code DIR}): a folder of MNIST-layout IDX files;</li>
 * <li>{@code images:DIR}: a folder of {@code .png}/{@code .jpg}/{@code .jpeg} files, made model input by a
 *     {@link Preprocess};</li>
 * <li>{@code tensors:DIR}: a folder of {@code .npy} files or ONNX {@code TensorProto} {@code .pb} files (as in
 *     ONNX test data, {@code input_0.pb} …; {@code output_*.pb} are ignored).</li>
 * </ul>
 *
 * @param kind       the form
 * @param folder     the folder of IDX, IMAGES and TENSORS sources (absolute), else null
 * @param seed       the seed of RANDOM sources
 * @param text       as written, with the folder as given (the label results carry)
 * @param preprocess image preprocessing (only IMAGES uses it)
 */
public record CalibrationSource(Kind kind, Path folder, long seed, String text, Preprocess preprocess) {
    /** Seed of {@code random} without one: the same inputs in every build. */
    public static final long DEFAULT_SEED = 20240601L;

    public enum Kind { RANDOM, DATASET, IDX, IMAGES, TENSORS }

    public CalibrationSource {
        Objects.requireNonNull(kind, "kind is null");
        Objects.requireNonNull(text, "text is null");
        Objects.requireNonNull(preprocess, "preprocess is null");
        if ((folder == null) != (kind == Kind.RANDOM || kind == Kind.DATASET)) {
            throw new IllegalArgumentException("a " + kind + " source " + (folder == null ? "needs" : "takes no") + " folder");
        }
    }

    /** Random inputs with {@link #DEFAULT_SEED}. */
    public static CalibrationSource random() {
        return new CalibrationSource(Kind.RANDOM, null, DEFAULT_SEED, "random", Preprocess.defaults());
    }

    /**
     * @param text       see the class comment; null or blank = {@link #random()}
     * @param preprocess {@code --preprocess} text, or null; only images take it
     * @param base       folder relative paths are resolved against (the spec file's folder), or null for the
     *                   working directory
     * @throws EdgeperfException USER_ERROR for an unknown form, a bad seed, or preprocessing given to a source
     *         that is not images
     */
    public static CalibrationSource parse(String text, String preprocess, Path base) {
        if (text == null || text.isBlank()) {
            text = "random";
        }
        String t = text.strip();
        Preprocess pre = Preprocess.parse(preprocess);
        boolean declared = preprocess != null && !preprocess.isBlank();
        int colon = t.indexOf(':');
        String prefix = colon < 0 ? t.toLowerCase(Locale.ROOT) : t.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = colon < 0 ? "" : t.substring(colon + 1);
        CalibrationSource s;
        if (prefix.equals("random")) {
            long seed = DEFAULT_SEED;
            if (colon >= 0) {
                try {
                    seed = Long.parseLong(rest.strip());
                } catch (NumberFormatException e) {
                    throw EdgeperfException.userError("--calibration '" + t + "': expected random or random:SEED with an"
                            + " integer seed");
                }
            }
            s = new CalibrationSource(Kind.RANDOM, null, seed, t, pre);
        } else if (colon < 0 && Datasets.names().contains(prefix)) {
            s = new CalibrationSource(Kind.DATASET, null, 0, prefix, pre);
        } else if (colon > 1 && (prefix.equals("images") || prefix.equals("tensors") || prefix.equals("idx"))) {
            if (rest.isBlank()) {
                throw EdgeperfException.userError("--calibration '" + t + "' names no folder; expected " + prefix + ":DIR");
            }
            Kind kind = prefix.equals("images") ? Kind.IMAGES : prefix.equals("tensors") ? Kind.TENSORS : Kind.IDX;
            s = new CalibrationSource(kind, resolve(base, rest.strip()), 0, t, pre);
        } else if (colon < 0 || colon == 1) {
            // a bare folder (IDX files, the original form); "C:..." style paths have a one-letter prefix
            s = new CalibrationSource(Kind.IDX, resolve(base, t), 0, t, pre);
        } else {
            throw EdgeperfException.userError("--calibration '" + t + "' is not a known source; expected random[:SEED], "
                    + String.join(", ", Datasets.names()) + ", idx:DIR, images:DIR or tensors:DIR");
        }
        if (declared && s.kind != Kind.IMAGES) {
            throw EdgeperfException.userError("--preprocess applies to --calibration images:DIR only, got --calibration '"
                    + t + "'");
        }
        return s;
    }

    /** Dataset name of a DATASET source, e.g. {@code mnist}. */
    public String dataset() {
        if (kind != Kind.DATASET) {
            throw new IllegalStateException(kind + " source has no dataset");
        }
        return text;
    }

    /** This source reading its files from {@code dir} (a copy sent with a campaign), labelled as before. */
    public CalibrationSource withFolder(Path dir) {
        if (folder == null) {
            return this;
        }
        return new CalibrationSource(kind, dir.toAbsolutePath(), seed, text, preprocess);
    }

    private static Path resolve(Path base, String path) {
        Path p = Path.of(path);
        return (p.isAbsolute() || base == null ? p : base.resolve(p)).toAbsolutePath().normalize();
    }
}
