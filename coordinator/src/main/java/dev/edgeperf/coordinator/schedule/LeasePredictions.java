package dev.edgeperf.coordinator.schedule;

import dev.edgeperf.coordinator.fleet.ConnectedAgent;
import dev.edgeperf.coordinator.store.LeasePrediction;
import dev.edgeperf.coordinator.store.LeasedJob;
import dev.edgeperf.coordinator.store.Prediction;
import dev.edgeperf.core.cost.ModelProfile;
import dev.edgeperf.core.predict.KernelPredictor;
import dev.edgeperf.core.predict.PredictedLatency;
import dev.edgeperf.core.predict.PredictionInput;
import dev.edgeperf.core.predict.Predictor;
import dev.edgeperf.core.predict.Predictors;
import dev.edgeperf.core.predict.learned.CampaignCell;
import dev.edgeperf.core.predict.learned.LearnedInputs;
import dev.edgeperf.core.predict.kernel.KernelInputs;
import dev.edgeperf.proto.AgentHello;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What is predicted with each lease, for the agent that runs the job: the injected predictor's figure
 * (kept as {@code predictedMs}) and every registered predictor's ({@link Predictors#all()}), from the
 * variant's per-node profile at the job's input shapes when {@link VariantProfiles} has it, and for
 * the kernel predictor the variant's kernels with the leasing agent's regressors ({@link AgentKernels});
 * without them the kernel prediction says why.
 */
final class LeasePredictions {
    private static final Logger LOG = LoggerFactory.getLogger(LeasePredictions.class);

    private final Predictor predictor;
    private final List<Predictor> registered;
    private final VariantProfiles profiles;
    private final Function<String, List<CampaignCell>> deviceCells;
    private final AgentKernels agentKernels = new AgentKernels();

    /** Without campaign history: the learned predictor does not predict. */
    LeasePredictions(Predictor predictor, List<Predictor> registered, VariantProfiles profiles) {
        this(predictor, registered, profiles, agentName -> List.of());
    }

    /** @param deviceCells agent name -> the measured cells of every stored campaign on it (the learned predictor's) */
    LeasePredictions(Predictor predictor, List<Predictor> registered, VariantProfiles profiles,
                     Function<String, List<CampaignCell>> deviceCells) {
        this.predictor = Objects.requireNonNull(predictor, "predictor is null");
        this.registered = List.copyOf(registered);
        this.profiles = Objects.requireNonNull(profiles, "profiles is null");
        this.deviceCells = Objects.requireNonNull(deviceCells, "deviceCells is null");
    }

    /** Fits the kernel samples the agent connected with, once, for the kernel predictions of its leases. */
    void connected(ConnectedAgent agent, AgentHello hello) {
        agentKernels.connected(agent.id(), hello);
    }

    /** Only the injected predictor, from FLOPs (no per-node profile). */
    Prediction predict(ConnectedAgent agent, long flops, int batch, int threads) {
        PredictedLatency p = safely(predictor, agent, new PredictionInput(flops, batch, threads,
                agent.executionProvider(), agent.peaks()));
        return injected(p);
    }

    /** Every predictor for {@code job} on {@code agent}; {@code staleReason} "" = the profile is current. */
    LeasePrediction predict(ConnectedAgent agent, LeasedJob job, String staleReason) {
        Optional<ModelProfile> profile = profiles.profile(job);
        PredictionInput input = new PredictionInput(job.flops(), job.batchSize(), job.threads(),
                agent.executionProvider(), agent.peaks(), profile, Optional.empty());
        if (profile.isPresent()) {
            // without a profile there is no base figure to correct: the store is not read for nothing
            input = input.withLearned(new LearnedInputs(Objects.requireNonNullElse(job.modelName(), ""),
                    Objects.requireNonNullElse(job.variantRecipe(), ""), history(agent)));
        }
        String noKernels = "";
        AgentKernels.Fit fit = agentKernels.of(agent.id());
        if (fit.fitted().isEmpty()) {
            noKernels = fit.why();
        } else {
            // detected only for agents that can use them: ONNX Runtime optimizing the variant is the costly part
            VariantProfiles.DetectedKernels detected = profiles.kernels(job);
            noKernels = detected.failure();
            if (detected.kernels().isPresent()) {
                input = input.withKernels(new KernelInputs(detected.kernels().get(), fit.fitted().get()));
            }
        }
        List<PredictedLatency> answers = new ArrayList<>();
        List<LeasePrediction.Figure> figures = new ArrayList<>();
        PredictedLatency injected = null;
        for (Predictor p : registered) {
            PredictedLatency answer = p.name().equals(KernelPredictor.NAME) && input.kernels().isEmpty()
                    ? PredictedLatency.none(p.name(), noKernels) : safely(p, agent, input);
            answers.add(answer);
            figures.add(new LeasePrediction.Figure(p.name(), answer.millis(), answer.basis()));
            if (p.name().equals(predictor.name())) {
                injected = answer;
            }
        }
        if (injected == null) {
            injected = safely(predictor, agent, input);
        }
        PredictedLatency recommended = Predictors.recommended(answers);
        Map<String, Long> flopsByOp = new TreeMap<>();
        profile.ifPresent(pr -> pr.nodes().forEach(n -> flopsByOp.merge(n.opType(), n.flops(), Long::sum)));
        return new LeasePrediction(injected(injected), figures, recommended.known() ? recommended.predictor() : "",
                staleReason, flopsByOp, NodeEstimates.of(profile, recommended, answers));
    }

    private List<CampaignCell> history(ConnectedAgent agent) {
        try {
            return deviceCells.apply(agent.name());
        } catch (RuntimeException e) {
            // the learned figure is not worth a lease: lease without it
            LOG.warn("cannot read the stored results of '{}' for the learned predictor: {}", agent.name(), e.toString());
            return List.of();
        }
    }

    private static Prediction injected(PredictedLatency p) {
        return new Prediction(p.peakGflops(), p.calibratedPeak() ? Prediction.CALIBRATED : Prediction.THEORETICAL,
                p.millis());
    }

    private static PredictedLatency safely(Predictor p, ConnectedAgent agent, PredictionInput input) {
        try {
            return p.predict(input);
        } catch (RuntimeException e) {
            // a predictor's bug must not strand the job this agent was just reserved for
            LOG.warn("predictor {} failed for '{}' (batch {}): {}; leasing without its prediction", p.name(),
                    agent.name(), input.batchSize(), e.toString());
            return PredictedLatency.none(p.name(), "the predictor failed: " + e.getMessage());
        }
    }
}
