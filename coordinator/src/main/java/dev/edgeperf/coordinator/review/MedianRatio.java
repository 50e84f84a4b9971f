package dev.edgeperf.coordinator.review;

import dev.edgeperf.core.stats.Speedup;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/**
 * median(reference) / median(candidate) with the 95 % CI and verdict of {@link Speedup} when both stored
 * histograms are there; otherwise the ratio of the stored medians and no interval. One rule for the speedups
 * against a baseline and for B / A of two campaigns.
 *
 * @param ratio     the point estimate
 * @param ciLow     low end of the 95 % interval; null without both histograms
 * @param ciHigh    high end; null as above
 * @param different the interval excludes 1; null as above
 */
record MedianRatio(double ratio, Double ciLow, Double ciHigh, Boolean different) {
    static MedianRatio of(Optional<Histogram> reference, Optional<Histogram> candidate, double referenceP50Ms,
                          double candidateP50Ms) {
        if (reference.isEmpty() || candidate.isEmpty()) {
            return new MedianRatio(referenceP50Ms / candidateP50Ms, null, null, null);
        }
        Speedup s = Speedup.of(reference.get(), candidate.get());
        return new MedianRatio(s.speedup(), s.ciLow(), s.ciHigh(), s.different());
    }
}
