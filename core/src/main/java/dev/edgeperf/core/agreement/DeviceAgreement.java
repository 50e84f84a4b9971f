package dev.edgeperf.core.agreement;

import java.util.List;
import java.util.Objects;

/**
 * How closely a device's outputs match the reference outputs for the same inputs, over all samples
 * of a {@link ReferenceSet} taken together (flattened, concatenated).
 *
 * @param cosine     cosine similarity of the device's outputs with the reference outputs; 1 = same
 *                   direction; NaN when the device gave a non-finite value
 * @param maxAbsDiff largest absolute difference of one output value (same units as the output); NaN as above
 * @param samples    how many reference inputs were compared
 */
public record DeviceAgreement(double cosine, double maxAbsDiff, int samples) {
    /** Below this cosine a device is flagged as computing something else (a flag, never a job failure). */
    public static final double COSINE_THRESHOLD = 0.99;

    public DeviceAgreement {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, got " + samples);
        }
    }

    /** True when the device's outputs disagree: cosine below {@link #COSINE_THRESHOLD}, or non-finite. */
    public boolean disagrees() {
        return !(cosine >= COSINE_THRESHOLD);
    }

    /**
     * Compares per-sample outputs.
     *
     * @param reference one flattened output per sample, as the coordinator computed it
     * @param device    the same, as the device computed it
     * @throws IllegalArgumentException when the sample counts or an output's length differ
     */
    public static DeviceAgreement compare(List<float[]> reference, List<float[]> device) {
        Objects.requireNonNull(reference, "reference is null");
        Objects.requireNonNull(device, "device is null");
        if (reference.isEmpty() || reference.size() != device.size()) {
            throw new IllegalArgumentException("reference has " + reference.size() + " outputs, device "
                    + device.size() + "; expected the same number, at least 1");
        }
        double dot = 0;
        double refNorm = 0;
        double devNorm = 0;
        double maxAbs = 0;
        boolean finite = true;
        for (int s = 0; s < reference.size(); s++) {
            float[] r = reference.get(s);
            float[] d = device.get(s);
            if (r.length != d.length) {
                throw new IllegalArgumentException("output of reference sample " + s + " has " + r.length
                        + " values, the device's " + d.length);
            }
            for (int i = 0; i < r.length; i++) {
                if (!Float.isFinite(d[i]) || !Float.isFinite(r[i])) {
                    finite = false;
                    continue;
                }
                dot += (double) r[i] * d[i];
                refNorm += (double) r[i] * r[i];
                devNorm += (double) d[i] * d[i];
                maxAbs = Math.max(maxAbs, Math.abs((double) r[i] - d[i]));
            }
        }
        if (!finite) {
            return new DeviceAgreement(Double.NaN, Double.NaN, reference.size());
        }
        double cosine;
        if (refNorm == 0 && devNorm == 0) {
            cosine = 1; // both all-zero: identical
        } else if (refNorm == 0 || devNorm == 0) {
            cosine = 0;
        } else {
            cosine = Math.min(1, dot / (Math.sqrt(refNorm) * Math.sqrt(devNorm)));
        }
        return new DeviceAgreement(cosine, maxAbs, reference.size());
    }
}
