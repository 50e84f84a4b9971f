package dev.edgeperf.core.zoo;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A count a zoo model's source publishes for it (batch 1, 224×224 for the ImageNet models), so a
 * profile can show the published figure next to the measured one instead of asking users to trust
 * either.
 *
 * @param quantity  what is counted
 * @param value     the published value, as published (rounded figures expanded: 4.09 G = 4,090,000,000)
 * @param tolerance how far the true value may lie from {@code value} given the published rounding
 *                  (0 for exact counts)
 * @param source    who publishes it
 * @param note      anything a reader must know to compare, e.g. a published total that does not add up
 */
public record PublishedFigure(Quantity quantity, long value, long tolerance, String source, String note) {
    /** Counted quantities. FLOPs are the seed articles' FLOPs (2 × MACs of conv and dense layers). */
    public enum Quantity {
        TOTAL_PARAMETERS("parameters"), TRAINABLE_PARAMETERS("trainable parameters"),
        NON_TRAINABLE_PARAMETERS("non-trainable parameters"), MACS("MACs"), FLOPS("FLOPs");

        private final String label;

        Quantity(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public PublishedFigure {
        Objects.requireNonNull(quantity, "quantity is null");
        Objects.requireNonNull(source, "source is null");
        Objects.requireNonNull(note, "note is null");
        if (value < 0 || tolerance < 0) {
            throw new IllegalArgumentException("value and tolerance must be >= 0");
        }
    }

    /** True when {@code measured} is the published value up to its rounding. */
    public boolean agreesWith(long measured) {
        return Math.abs(measured - value) <= tolerance;
    }

    private static final String SEED = "seed article";
    private static final String KERAS_SUMMARY = "Keras model.summary()";
    private static final String TORCHVISION = "torchvision model card";
    private static final long G_ROUNDING = 5_000_000; // torchvision prints GFLOPS (really GMACs) to 2 decimals

    private static PublishedFigure exact(Quantity q, long value, String source) {
        return new PublishedFigure(q, value, 0, source, "");
    }

    private static PublishedFigure giga(double gmacs) {
        return new PublishedFigure(Quantity.MACS, Math.round(gmacs * 1e9), G_ROUNDING, TORCHVISION,
                "published as " + gmacs + " GFLOPS, which torchvision counts as multiply-adds");
    }

    private static final Map<String, List<PublishedFigure>> BY_MODEL = Map.ofEntries(
            Map.entry("mnist-cnn", List.of(new PublishedFigure(Quantity.FLOPS, 1_060_400, 0, SEED,
                    "the article's own per-layer figures 60,840 + 259,200 + 737,280 + 2,560 sum to 1,059,880;"
                            + " its quoted total is 520 more"))),
            Map.entry("seed-conv", List.of(exact(Quantity.FLOPS, 20_377_728, SEED))),
            Map.entry("seed-separable", List.of(new PublishedFigure(Quantity.FLOPS, 734_274, 0, SEED,
                    "depthwise 318,402 + pointwise 415,872"))),
            Map.entry("mnist-cnn-pool", List.of(new PublishedFigure(Quantity.FLOPS, 210_100, 0, SEED,
                    "the sum of the article's per-layer figures, which count pooling as kernel area x output and"
                            + " the second convolution with 10 kernels where the model has 5 (see the quoted layers)"))),
            Map.entry("keras-mlp", List.of(exact(Quantity.TOTAL_PARAMETERS, 387, KERAS_SUMMARY),
                    new PublishedFigure(Quantity.TRAINABLE_PARAMETERS, 249, 0, KERAS_SUMMARY,
                            "layers 2 and 3 (dense2, dense3) frozen; read from the file's training_info update bindings"),
                    exact(Quantity.NON_TRAINABLE_PARAMETERS, 138, KERAS_SUMMARY))),
            Map.entry("lenet5", List.of(exact(Quantity.TOTAL_PARAMETERS, 61_706, "LeNet-5 as usually implemented"))),
            Map.entry("mobilenet-v1", List.of(
                    exact(Quantity.TOTAL_PARAMETERS, 4_253_864, "Keras MobileNet(alpha=1.0) model.summary()"),
                    exact(Quantity.TRAINABLE_PARAMETERS, 4_231_976, "Keras MobileNet(alpha=1.0) model.summary()"),
                    new PublishedFigure(Quantity.MACS, 569_000_000, 500_000, "Howard et al. 2017, Table 8",
                            "569 million mult-adds"))),
            Map.entry("mobilenet-v2", List.of(exact(Quantity.TRAINABLE_PARAMETERS, 3_504_872, TORCHVISION), giga(0.30))),
            Map.entry("resnet18", List.of(exact(Quantity.TRAINABLE_PARAMETERS, 11_689_512, TORCHVISION), giga(1.81))),
            Map.entry("resnet50", List.of(exact(Quantity.TRAINABLE_PARAMETERS, 25_557_032, TORCHVISION), giga(4.09))),
            Map.entry("vgg16", List.of(exact(Quantity.TRAINABLE_PARAMETERS, 138_357_544, TORCHVISION), giga(15.47))),
            Map.entry("squeezenet1_1", List.of(exact(Quantity.TRAINABLE_PARAMETERS, 1_235_496, TORCHVISION),
                    giga(0.35))));

    /** The figures published for a zoo model (empty for models nobody publishes figures for). */
    public static List<PublishedFigure> forModel(String zooName) {
        return BY_MODEL.getOrDefault(zooName, List.of());
    }
}
