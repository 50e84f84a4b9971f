package dev.edgeperf.core.agreement;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How closely a device's outputs match the reference outputs for the same inputs. Each output of the model is
 * compared over all samples of a {@link ReferenceSet} taken together (flattened, concatenated); the agreement
 * is its worst output's, so one corrupted head of a multi-output model is not hidden by a good one.
 *
 * @param cosine      the worst output's cosine similarity with the reference; 1 = same direction; NaN when the
 *                    device gave a non-finite value
 * @param maxAbsDiff  largest absolute difference of one output value over all outputs (the output's units); NaN
 *                    as above
 * @param samples     how many reference inputs were compared
 * @param worstOutput name of the output with the lowest cosine (a non-finite one first); null when unnamed
 * @param outputs     how many outputs were compared
 */
public record DeviceAgreement(double cosine, double maxAbsDiff, int samples, String worstOutput, int outputs) {
    /** Below this cosine a device is flagged as computing something else (a flag, never a job failure). */
    public static final double COSINE_THRESHOLD = 0.99;

    public DeviceAgreement {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, got " + samples);
        }
        if (outputs < 1) {
            throw new IllegalArgumentException("outputs must be >= 1, got " + outputs);
        }
    }

    /** One unnamed output. */
    public DeviceAgreement(double cosine, double maxAbsDiff, int samples) {
        this(cosine, maxAbsDiff, samples, null, 1);
    }

    /** True when the device's outputs disagree: cosine below {@link #COSINE_THRESHOLD}, or non-finite. */
    public boolean disagrees() {
        return !(cosine >= COSINE_THRESHOLD);
    }

    /** "output 'x' (worst of 2): cosine 0.12, max abs diff 3.4", for logs and the result's reason field. */
    public String describe() {
        return "output '" + worstOutput + "'" + (outputs > 1 ? " (worst of " + outputs + ")" : "") + ": cosine "
                + cosine + ", max abs diff " + maxAbsDiff;
    }

    /**
     * Compares every output: the worst output's cosine, the largest difference of any.
     *
     * @param reference output name -> one flattened output per sample, as the coordinator computed it (in order)
     * @param device    the same outputs, as the device computed them
     * @throws IllegalArgumentException when an output is missing on the device, or as {@link #compare(List, List)}
     */
    public static DeviceAgreement compareOutputs(Map<String, List<float[]>> reference, Map<String, List<float[]>> device) {
        Objects.requireNonNull(reference, "reference is null");
        Objects.requireNonNull(device, "device is null");
        if (reference.isEmpty()) {
            throw new IllegalArgumentException("no reference outputs to compare");
        }
        DeviceAgreement worst = null;
        double maxAbs = 0;
        for (Map.Entry<String, List<float[]>> e : reference.entrySet()) {
            List<float[]> d = device.get(e.getKey());
            if (d == null) {
                throw new IllegalArgumentException("the device gave no output '" + e.getKey() + "'; it gave "
                        + device.keySet());
            }
            DeviceAgreement one = compare(e.getValue(), d);
            maxAbs = Double.isNaN(one.maxAbsDiff) || Double.isNaN(maxAbs) ? Double.NaN : Math.max(maxAbs, one.maxAbsDiff);
            boolean worse = worst == null || one.cosine < worst.cosine
                    || Double.isNaN(one.cosine) && !Double.isNaN(worst.cosine);
            if (worse) {
                worst = new DeviceAgreement(one.cosine, one.maxAbsDiff, one.samples, e.getKey(), reference.size());
            }
        }
        return new DeviceAgreement(worst.cosine, maxAbs, worst.samples, worst.worstOutput, reference.size());
    }

    /**
     * Compares per-sample values of one output.
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
