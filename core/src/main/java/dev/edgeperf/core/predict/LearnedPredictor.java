package dev.edgeperf.core.predict;

import dev.edgeperf.core.predict.learned.CampaignCell;
import dev.edgeperf.core.predict.learned.CampaignCorrection;
import dev.edgeperf.core.predict.learned.LearnedInputs;
import java.util.List;

/**
 * Learned from campaigns: the base prediction (kernel when it covered every kernel, else roofline)
 * times a correction fitted on what earlier campaigns measured on the same device for other models
 * ({@link CampaignCorrection}); the predicted model's own cells, its variants' included, never enter
 * the fit. The per-node breakdown is the base one scaled by the same factor.
 */
public final class LearnedPredictor implements Predictor {
    public static final String NAME = "learned-from-campaigns";

    private final KernelPredictor kernel = new KernelPredictor();
    private final RooflinePredictor roofline = new RooflinePredictor();
    private final NaivePredictor naive = new NaivePredictor();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public PredictedLatency predict(PredictionInput input) {
        if (input.learned().isEmpty()) {
            return PredictedLatency.none(NAME, "needs the device's results of earlier campaigns (the coordinator's"
                    + " store)");
        }
        PredictedLatency base = base(input);
        if (!base.known()) {
            return PredictedLatency.none(NAME, "nothing to correct: " + base.predictor() + " has " + base.basis());
        }
        LearnedInputs learned = input.learned().get();
        CampaignCorrection.Fit fit = CampaignCorrection.fit(learned.history(), learned.model(), base.predictor());
        if (fit.correction().isEmpty()) {
            return PredictedLatency.none(NAME, fit.reason());
        }
        double naiveMs = naive.predict(input).millis();
        // stored cells carry the threads the session resolved; 0 (engine default) resolves to the calibration's
        int threads = input.threads() > 0 ? input.threads() : input.device().calibrationThreads();
        CampaignCell query = new CampaignCell(learned.model(), learned.variantRecipe(), input.flopsPerBatch(),
                input.batchSize(), threads, base.predictor(), base.millis(), naiveMs, 0);
        CampaignCorrection correction = fit.correction().get();
        double factor = correction.factor(query);
        List<NodePrediction> nodes = base.nodes().stream().map(n -> new NodePrediction(n.node(), n.opType(),
                n.millis() * factor, n.bound())).toList();
        return new PredictedLatency(NAME, base.millis() * factor, base.peakGflops(), base.calibratedPeak(),
                correction.describe(factor), nodes);
    }

    /** Kernel when it predicted every kernel, else roofline (known or not). */
    private PredictedLatency base(PredictionInput input) {
        PredictedLatency k = kernel.predict(input);
        return KernelPredictor.complete(k) ? k : roofline.predict(input);
    }
}
