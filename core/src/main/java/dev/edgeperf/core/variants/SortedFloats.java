package dev.edgeperf.core.variants;

/** Binary searches in an ascending float array that, unlike {@link java.util.Arrays#binarySearch}, handle ties. */
final class SortedFloats {
    private SortedFloats() {
    }

    /** First index whose value is ≥ x (the count of values below x). */
    static int lowerBound(float[] sorted, double x) {
        return firstAbove(sorted, x, false);
    }

    /** First index whose value is > x (the count of values at most x). */
    static int upperBound(float[] sorted, double x) {
        return firstAbove(sorted, x, true);
    }

    private static int firstAbove(float[] sorted, double x, boolean orEqual) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < x || orEqual && sorted[mid] == x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
