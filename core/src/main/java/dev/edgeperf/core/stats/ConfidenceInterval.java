package dev.edgeperf.core.stats;

/**
 * A two-sided confidence interval in milliseconds.
 *
 * @param lowMs        lower bound, milliseconds
 * @param highMs       upper bound, milliseconds
 * @param nominalLevel the level that was asked for, e.g. 0.95
 * @param coverage     the level the interval actually has; below {@code nominalLevel} when there
 *                     were too few samples to reach it (then the interval is [min, max])
 */
public record ConfidenceInterval(double lowMs, double highMs, double nominalLevel, double coverage) {
    public ConfidenceInterval {
        if (!(lowMs <= highMs)) {
            throw new IllegalArgumentException("lowMs " + lowMs + " must be <= highMs " + highMs);
        }
        if (!(nominalLevel > 0 && nominalLevel < 1)) {
            throw new IllegalArgumentException("nominalLevel must be in (0, 1), got " + nominalLevel);
        }
        if (!(coverage >= 0 && coverage <= 1)) {
            throw new IllegalArgumentException("coverage must be in [0, 1], got " + coverage);
        }
    }

    /** True when the interval reaches the level that was asked for. */
    public boolean reachesNominalLevel() {
        return coverage >= nominalLevel;
    }

    /** Half the width relative to {@code centerMs}, e.g. 0.02 for +-2 %; 0 when centerMs is 0. */
    public double relativeHalfWidth(double centerMs) {
        return centerMs == 0 ? 0 : (highMs - lowMs) / 2 / centerMs;
    }
}
