package dev.edgeperf.core.variants;

import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.train.CnnShape;
import dev.edgeperf.core.train.TrainingOptions;
import java.util.Locale;

/**
 * A knowledge-distillation recipe, {@code distilled:STUDENT[:KEY=VALUE,...]}: train a fresh STUDENT on the soft
 * labels of the model the recipe is applied to (the teacher) mixed with the hard labels.
 *
 * <p>STUDENT is a zoo network the built-in trainer can train: {@code mnist-cnn}, {@code mnist-cnn-pool} or
 * {@code lenet5} (see {@link dev.edgeperf.core.train.Students}), optionally narrower with {@code width=W} (W in
 * (0, 1]: every conv and hidden layer gets round(W x its channels), e.g. mnist-cnn's convs round(5W) and its
 * hidden layer round(128W)). Keys,
 * separated by {@code ,} or {@code :}: {@code width} (default 1), {@code T} temperature in (0, 100] (default 4),
 * {@code alpha} weight of the soft term in [0, 1] (default 0.7), {@code epochs} in [1, 100] (default 2),
 * {@code seed} (default {@link TrainingOptions#DEFAULT_SEED}).
 *
 * @param student     the student's zoo name
 * @param width       width multiplier of the student
 * @param temperature T of the softened softmax
 * @param alpha       weight of the soft (KL) term; 1 - alpha weighs the hard-label cross-entropy
 * @param epochs      training epochs
 * @param seed        seed of the initial weights and the shuffling
 * @param text        canonical text, e.g. {@code distilled:mnist-cnn:width=0.5,T=4,alpha=0.7,epochs=2,seed=1}
 */
public record DistillRecipe(String student, double width, double temperature, double alpha, int epochs, long seed,
                            String text) {
    public static final String PREFIX = "distilled:";
    static final String STUDENTS = "expected mnist-cnn, mnist-cnn-pool or lenet5 (narrower with width=W, W in (0, 1])";

    /** Whether {@code recipe} is a distillation recipe (starts with {@code distilled:} or is {@code distilled}). */
    public static boolean matches(String recipe) {
        String t = recipe == null ? "" : recipe.trim().toLowerCase(Locale.ROOT);
        return t.equals("distilled") || t.startsWith(PREFIX);
    }

    /** File name part: no colon, comma or equals sign. */
    public String fileSuffix() {
        return text.replace(':', '-').replace(',', '_').replace("=", "");
    }

    /** Whether the student is mnist-cnn, which {@link dev.edgeperf.core.train.CnnTrainer} trains. */
    public boolean mnistCnn() {
        return student.equals("mnist-cnn");
    }

    /** The mnist-cnn student's layer widths for images of {@code height x width} pixels and {@code classes} classes. */
    public CnnShape shape(int height, int imageWidth, int classes) {
        CnnShape full = CnnShape.MNIST_CNN;
        return new CnnShape(scaled(full.conv1()), scaled(full.conv2()), scaled(full.hidden()), height, imageWidth,
                classes);
    }

    private int scaled(int n) {
        return Math.max(1, (int) Math.round(n * width));
    }

    /** Training options of both the distilled and the hard-label-only student. */
    public TrainingOptions options() {
        return TrainingOptions.defaults(epochs).withSeed(seed);
    }

    /**
     * @throws EdgeperfException USER_ERROR naming the value and what is expected
     */
    public static DistillRecipe parse(String recipe) {
        String t = recipe == null ? "" : recipe.trim();
        if (!matches(t) || t.length() <= PREFIX.length()) {
            throw EdgeperfException.userError("recipe '" + recipe + "' names no student; expected distilled:STUDENT"
                    + "[:width=W,T=4,alpha=0.7,epochs=N,seed=S], " + STUDENTS);
        }
        String rest = t.substring(PREFIX.length());
        int colon = rest.indexOf(':');
        String student = (colon < 0 ? rest : rest.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
        String options = colon < 0 ? "" : rest.substring(colon + 1);
        switch (student) {
            case "mnist-cnn", "mnist-cnn-pool", "lenet5":
                break;
            default:
                throw EdgeperfException.userError("unknown student '" + student + "' in recipe '" + recipe + "'; "
                        + STUDENTS);
        }
        double width = 1;
        double temperature = 4;
        double alpha = 0.7;
        int epochs = 2;
        long seed = TrainingOptions.DEFAULT_SEED;
        if (!options.isBlank()) {
            for (String kv : options.split("[,:]", -1)) {
                int eq = kv.indexOf('=');
                if (eq < 0) {
                    throw EdgeperfException.userError("option '" + kv + "' in recipe '" + recipe + "' is not KEY=VALUE; "
                            + "expected width=W, T=T, alpha=A, epochs=N or seed=S");
                }
                String key = kv.substring(0, eq).trim();
                String value = kv.substring(eq + 1).trim();
                switch (key.toLowerCase(Locale.ROOT)) {
                    case "width" -> width = number(recipe, "width", value, 0, false, 1, true);
                    case "t" -> temperature = number(recipe, "T", value, 0, false, 100, true);
                    case "alpha" -> alpha = number(recipe, "alpha", value, 0, true, 1, true);
                    case "epochs" -> {
                        double e = number(recipe, "epochs", value, 1, true, 100, true);
                        if (e != Math.rint(e)) {
                            throw EdgeperfException.userError("epochs '" + value + "' in recipe '" + recipe
                                    + "' must be an integer in [1, 100]");
                        }
                        epochs = (int) e;
                    }
                    case "seed" -> {
                        try {
                            seed = Long.parseLong(value);
                        } catch (NumberFormatException e) {
                            throw EdgeperfException.userError("seed '" + value + "' in recipe '" + recipe
                                    + "' is not an integer");
                        }
                    }
                    default -> throw EdgeperfException.userError("unknown option '" + key + "' in recipe '" + recipe
                            + "'; expected width, T, alpha, epochs or seed");
                }
            }
        }
        String text = String.format(Locale.ROOT, "%s%s:width=%s,T=%s,alpha=%s,epochs=%d,seed=%d", PREFIX, student,
                plain(width), plain(temperature), plain(alpha), epochs, seed);
        return new DistillRecipe(student, width, temperature, alpha, epochs, seed, text);
    }

    private static double number(String recipe, String key, String value, double lo, boolean loIncl, double hi,
                                 boolean hiIncl) {
        double v;
        try {
            v = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        boolean ok = Double.isFinite(v) && (loIncl ? v >= lo : v > lo) && (hiIncl ? v <= hi : v < hi);
        if (!ok) {
            throw EdgeperfException.userError(key + " '" + value + "' in recipe '" + recipe + "' must be a number in "
                    + (loIncl ? "[" : "(") + plain(lo) + ", " + plain(hi) + (hiIncl ? "]" : ")"));
        }
        return v;
    }

    private static String plain(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
