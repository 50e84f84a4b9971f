package dev.edgeperf.core.variants;

import java.util.Locale;
import java.util.Optional;

/**
 * The thresholds below which a variant's fidelity to the baseline has collapsed and its recipe fails: the one
 * place the rule lives, applied by {@link VariantCheck} to every float output, in {@code variants build} and in
 * campaign preparation alike.
 *
 * <p>Cosine alone is no rule: it compares directions, so outputs that share a large offset stay "similar"
 * whatever happens around it. A log-mel spectrogram (values around −5 dB) whose int8 variant drops to −78
 * keeps cosine 0.84; a detector's near-zero probability map that grows fivefold keeps cosine 0.97. SQNR
 * (signal energy over error energy) sees both: −17.6 and −14.5 dB, an error larger than the signal.
 *
 * <p>Two tiers, because recipes promise different things:
 * <ul>
 * <li>{@link Tier#NUMERIC} (quantized:*, clustered:K) re-encode the same function: they fail below cosine
 *     {@value #NUMERIC_MIN_COSINE} or SQNR {@value #NUMERIC_MIN_SQNR_DB} dB. On the zoo with random inputs they
 *     reach cosine ≥ 0.99 and SQNR ≥ 19 dB (clustered:16 on mnist-cnn 0.9938 / 19.0 dB, int8 ≥ 48 dB).</li>
 * <li>{@link Tier#RESTRUCTURED} (pruned:*, separable) change the function by design and are fine-tuned
 *     afterwards, so their drop is the measured price, not a failure: pruned:structured:0.5 without fine-tuning
 *     keeps cosine 0.60 / SQNR 1.9 dB on mnist-cnn and 0.49 on mobilenet-v2. They fail only when nothing is
 *     left: cosine below {@value #RESTRUCTURED_MIN_COSINE} (separable on mnist-cnn: 0.00, it answers "1" for
 *     every input) or SQNR below {@value #RESTRUCTURED_MIN_SQNR_DB} dB (an error twice the signal's size; a
 *     pruned output that only shrinks stays above −3 dB).</li>
 * </ul>
 * Top-1 is no rule: pruning drops it legitimately, and many outputs have no classes.
 */
public final class FidelityGate {
    /** Minimum cosine similarity of a numeric recipe's outputs. */
    public static final double NUMERIC_MIN_COSINE = 0.9;
    /** Minimum SQNR of a numeric recipe's outputs, dB: below 0 the error carries more energy than the signal. */
    public static final double NUMERIC_MIN_SQNR_DB = 0.0;
    /** Minimum cosine similarity of a restructured recipe's outputs. */
    public static final double RESTRUCTURED_MIN_COSINE = 0.25;
    /** Minimum SQNR of a restructured recipe's outputs, dB. */
    public static final double RESTRUCTURED_MIN_SQNR_DB = -6.0;

    /** What a recipe promises about its outputs, hence which thresholds apply. */
    public enum Tier {
        /** The same function re-encoded (quantization, weight sharing). */
        NUMERIC(NUMERIC_MIN_COSINE, NUMERIC_MIN_SQNR_DB, "a quantized or clustered variant"),
        /** A different, smaller function (pruning, separable convolutions) that fine-tuning brings back. */
        RESTRUCTURED(RESTRUCTURED_MIN_COSINE, RESTRUCTURED_MIN_SQNR_DB, "a pruned or separable variant");

        private final double minCosine;
        private final double minSqnrDb;
        private final String who;

        Tier(double minCosine, double minSqnrDb, String who) {
            this.minCosine = minCosine;
            this.minSqnrDb = minSqnrDb;
            this.who = who;
        }

        public double minCosine() {
            return minCosine;
        }

        public double minSqnrDb() {
            return minSqnrDb;
        }

        /** True when {@code f} is below either threshold (NaN figures fail too). */
        public boolean fails(Fidelity f) {
            return !(f.cosineSimilarity() >= minCosine) || !(f.sqnrDb() >= minSqnrDb);
        }

        /** e.g. {@code a quantized or clustered variant keeps cosine >= 0.90 and SQNR >= 0.0 dB}. */
        public String rule() {
            return String.format(Locale.ROOT, "%s keeps cosine >= %.2f and SQNR >= %.1f dB", who, minCosine, minSqnrDb);
        }
    }

    private FidelityGate() {
    }

    /** The tier of {@code recipe}: restructuring recipes are {@link Tier#RESTRUCTURED}, all others numeric. */
    public static Tier tier(VariantRecipe recipe) {
        return switch (recipe.kind()) {
            case PRUNED_STRUCTURED, PRUNED_UNSTRUCTURED, SEPARABLE -> Tier.RESTRUCTURED;
            case BASELINE, QUANTIZED_INT8_DYNAMIC, QUANTIZED_INT8_STATIC, QUANTIZED_FP16, CLUSTERED -> Tier.NUMERIC;
        };
    }

    /**
     * The one-line reason an output fails the gate, empty when it passes.
     *
     * @param what   e.g. {@code "oww-melspectrogram variant quantized:int8-dynamic"}
     * @param output the graph output compared
     */
    public static Optional<String> failure(String what, Tier tier, String output, Fidelity f) {
        if (!tier.fails(f)) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "%s failed: output '%s' fidelity to the baseline collapsed on %d"
                + " calibration samples (%s; %s)", what, output, f.samples(), f.summary(), tier.rule()));
    }
}
