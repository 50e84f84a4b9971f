package dev.edgeperf.core.cost;

/** Which counting rules a profile uses; see {@code CostRules} for the rules themselves. */
public enum CountingConvention {
    /** Every op type counted as documented in CostRules (activations, pooling, norms, elementwise). */
    DETAILED,
    /** The seed articles' rules exactly: conv/dense MACs x 2, pooling = output H x W x depth, activations free. */
    SEED
}
