package dev.edgeperf.core.predict;

/**
 * The seed articles' predictor: time = FLOPs / peak ({@link FlopsPredictor}), with the device's
 * calibrated peak when it has one, else its theoretical peak; no prediction when neither is known.
 */
public final class NaivePredictor implements Predictor {
    public static final String NAME = "naive-flops";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public PredictedLatency predict(PredictionInput input) {
        DevicePeaks device = input.device();
        boolean calibrated = device.calibrated();
        double peak = calibrated ? device.calibratedGflops() : device.theoreticalGflops();
        if (!(peak > 0)) {
            // an unknown peak gives no prediction rather than a made-up one
            return new PredictedLatency(NAME, 0, 0, false, "no prediction: the device's peak is unknown");
        }
        return new PredictedLatency(NAME, FlopsPredictor.predictMillis(input.flopsPerBatch(), peak), peak, calibrated,
                "FLOPs / " + (calibrated ? "calibrated" : "theoretical") + " peak " + peak + " GFLOP/s");
    }
}
