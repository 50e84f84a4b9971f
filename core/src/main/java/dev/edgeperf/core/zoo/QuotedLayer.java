package dev.edgeperf.core.zoo;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One layer's FLOPs as a seed article quotes them for a zoo model (batch 1), with the counting rule
 * that reproduces the quoted figure from the model, so a profile can show the quote, edgeperf's own
 * count and why they differ. The rule is applied to the model by {@code dev.edgeperf.core.cost.QuotedLayers};
 * nothing but the quoted value is typed in here.
 *
 * @param node        the node's name in the zoo model, as {@code models profile} prints it
 * @param value       the quoted FLOPs, as quoted
 * @param rule        the counting rule that reproduces {@code value}
 * @param kernels     for {@link Rule#SEED_WITH_KERNELS}: the kernel count the quote assumes; 0 otherwise
 * @param explanation why the quote differs from edgeperf's count; empty when they agree
 */
public record QuotedLayer(String node, long value, Rule rule, int kernels, String explanation) {
    /** Counting rules seen in the seed articles' per-layer figures. */
    public enum Rule {
        /** edgeperf's seed convention: 2 x MACs for conv and dense layers, 1 per output element for pooling. */
        SEED("edgeperf's seed convention"),
        /** Pooling as kernel area x the elements of the pooling's output. */
        KERNEL_AREA_X_OUTPUT("kernel area x output elements"),
        /** Pooling as kernel area x the elements of the pooling's input (its output taken at the input's size). */
        KERNEL_AREA_X_INPUT("kernel area x input elements"),
        /** A convolution's 2 x MACs with another kernel count than the model's. */
        SEED_WITH_KERNELS("2 x MACs with another kernel count");

        private final String label;

        Rule(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public QuotedLayer {
        Objects.requireNonNull(node, "node is null");
        Objects.requireNonNull(rule, "rule is null");
        Objects.requireNonNull(explanation, "explanation is null");
        if (value < 0) {
            throw new IllegalArgumentException("value must be >= 0, got " + value);
        }
        if ((rule == Rule.SEED_WITH_KERNELS) != (kernels > 0)) {
            throw new IllegalArgumentException("kernels is given exactly for SEED_WITH_KERNELS, got " + rule
                    + " with " + kernels);
        }
    }

    private static QuotedLayer seed(String node, long value) {
        return new QuotedLayer(node, value, Rule.SEED, 0, "");
    }

    private static final Map<String, List<QuotedLayer>> BY_MODEL = Map.of(
            // The second seed article's pooled MNIST example; its figures sum to its quoted 210,100.
            "mnist-cnn-pool", List.of(
                    seed("conv1", 60_840),
                    new QuotedLayer("averagepool_1", 3_380, Rule.KERNEL_AREA_X_OUTPUT, 0,
                            "the article counts each of the 2x2 window's 4 inputs per output element;"
                                    + " edgeperf counts 1 FLOP per pooled output element"),
                    new QuotedLayer("conv2", 108_900, Rule.SEED_WITH_KERNELS, 10,
                            "the article counts 10 kernels where the model (and the article's own dense layer"
                                    + " of 125 inputs) has 5"),
                    new QuotedLayer("averagepool_2", 2_420, Rule.KERNEL_AREA_X_INPUT, 0,
                            "the article takes the pooling's output at its 11x11 input size (5x5 after the"
                                    + " 2x2/2 window) and counts 4 per element; edgeperf counts 1 per pooled output"),
                    seed("fc1", 32_000),
                    seed("fc2", 2_560)));

    /** The per-layer figures quoted for a zoo model, in layer order (empty when none are quoted). */
    public static List<QuotedLayer> forModel(String zooName) {
        return BY_MODEL.getOrDefault(zooName, List.of());
    }
}
