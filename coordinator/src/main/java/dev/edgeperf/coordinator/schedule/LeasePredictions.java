package dev.edgeperf.coordinator.schedule;

import dev.edgeperf.coordinator.fleet.ConnectedAgent;
import dev.edgeperf.coordinator.store.Prediction;
import dev.edgeperf.core.predict.PredictedLatency;
import dev.edgeperf.core.predict.PredictionInput;
import dev.edgeperf.core.predict.Predictor;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The prediction stored with each lease, made by the injected predictor for the agent that runs the job. */
final class LeasePredictions {
    private static final Logger LOG = LoggerFactory.getLogger(LeasePredictions.class);

    private final Predictor predictor;

    LeasePredictions(Predictor predictor) {
        this.predictor = Objects.requireNonNull(predictor, "predictor is null");
    }

    Prediction predict(ConnectedAgent agent, long flops, int batch, int threads) {
        PredictedLatency p;
        try {
            p = predictor.predict(new PredictionInput(flops, batch, threads, agent.executionProvider(),
                    agent.peaks()));
        } catch (RuntimeException e) {
            // a predictor's bug must not strand the job this agent was just reserved for
            LOG.warn("predictor {} failed for '{}' (batch {}): {}; leasing without a prediction", predictor.name(),
                    agent.name(), batch, e.toString());
            return new Prediction(0, Prediction.THEORETICAL, 0);
        }
        return new Prediction(p.peakGflops(), p.calibratedPeak() ? Prediction.CALIBRATED : Prediction.THEORETICAL,
                p.millis());
    }
}
