package dev.edgeperf.coordinator.schedule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.coordinator.artifacts.ArtifactStore;
import dev.edgeperf.coordinator.fleet.ConnectedAgent;
import dev.edgeperf.coordinator.fleet.FleetRegistry;
import dev.edgeperf.coordinator.fleet.NoAgentConnectedException;
import dev.edgeperf.coordinator.http.DashboardData.AgentView;
import dev.edgeperf.coordinator.store.CampaignSummary;
import dev.edgeperf.coordinator.store.JobOutcome;
import dev.edgeperf.coordinator.store.Measurement;
import dev.edgeperf.coordinator.store.NewJob;
import dev.edgeperf.coordinator.store.Store;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.cost.CountingConvention;
import dev.edgeperf.core.cost.ModelProfiler;
import dev.edgeperf.core.cost.ProfileOptions;
import dev.edgeperf.core.predict.FlopsPredictor;
import dev.edgeperf.core.zoo.ModelZoo;
import dev.edgeperf.proto.AgentInfo;
import dev.edgeperf.proto.CampaignStatus;
import dev.edgeperf.proto.Hardware;
import dev.edgeperf.proto.ListAgentsResponse;
import dev.edgeperf.proto.MeasurementSettings;
import dev.edgeperf.proto.ResultRow;
import dev.edgeperf.proto.SubmitCampaignRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Turns a campaign request into jobs: models x variants x batches x threads x every agent connected
 * at submit time, each with its FLOPs and naive predicted time; reports campaign status.
 */
public final class CampaignManager {
    /** The only variant recipe the coordinator can build so far. */
    public static final List<String> KNOWN_RECIPES = List.of("baseline");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Store store;
    private final ArtifactStore artifacts;
    private final FleetRegistry fleet;
    private final JobScheduler scheduler;
    private final Function<String, byte[]> modelSource;

    public CampaignManager(Store store, ArtifactStore artifacts, FleetRegistry fleet, JobScheduler scheduler) {
        this(store, artifacts, fleet, scheduler, ModelZoo::build);
    }

    /** @param modelSource zoo name -> ONNX bytes (injectable for tests) */
    public CampaignManager(Store store, ArtifactStore artifacts, FleetRegistry fleet, JobScheduler scheduler,
                           Function<String, byte[]> modelSource) {
        this.store = Objects.requireNonNull(store, "store is null");
        this.artifacts = Objects.requireNonNull(artifacts, "artifacts is null");
        this.fleet = Objects.requireNonNull(fleet, "fleet is null");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler is null");
        this.modelSource = Objects.requireNonNull(modelSource, "modelSource is null");
    }

    /**
     * Plans, stores and queues a campaign, then hands its first jobs out.
     *
     * @throws EdgeperfException USER_ERROR for an unknown model/recipe or a bad batch/thread count
     * @throws NoAgentConnectedException when no agent is connected
     */
    public CampaignStatus submit(SubmitCampaignRequest request) {
        List<String> models = request.getModelsList();
        List<String> variants = request.getVariantsList().isEmpty() ? KNOWN_RECIPES : request.getVariantsList();
        List<Integer> batches = request.getBatchSizesList();
        List<Integer> threads = request.getIntraOpThreadsList().isEmpty() ? List.of(0)
                : request.getIntraOpThreadsList();
        validate(models, variants, batches, threads);
        Measurement measurement = measurement(request.getSettings());
        List<ConnectedAgent> agents = fleet.connected();
        if (agents.isEmpty()) {
            throw new NoAgentConnectedException();
        }
        List<NewJob> jobs = new ArrayList<>();
        for (String model : models) {
            byte[] bytes = modelSource.apply(model);
            String digest = artifacts.put(bytes);
            Map<Integer, Long> flopsByBatch = new HashMap<>();
            for (String variant : variants) {
                for (int batch : batches) {
                    long flops = flopsByBatch.computeIfAbsent(batch, b -> ModelProfiler.profile(bytes, model,
                            new ProfileOptions(b, Map.of(), CountingConvention.SEED)).totalFlops());
                    for (int thread : threads) {
                        for (ConnectedAgent agent : agents) {
                            double peak = agent.peakGflops();
                            // 0 = unknown peak: no prediction rather than a made-up one
                            double predicted = peak > 0 ? FlopsPredictor.predictMillis(flops, peak) : 0;
                            jobs.add(new NewJob(UUID.randomUUID().toString(), agent.id(), model, digest, bytes.length,
                                    variant, batch, thread, measurement, flops, peak, predicted));
                        }
                    }
                }
            }
        }
        String id = UUID.randomUUID().toString();
        String name = request.getName().isBlank()
                ? String.join(",", models) + " batch " + batches.stream().map(String::valueOf)
                .collect(Collectors.joining(","))
                : request.getName().strip();
        store.insertCampaign(id, name, specJson(request, variants, threads), jobs);
        scheduler.dispatch();
        return status(id);
    }

    /** @throws UnknownCampaignException for an id the store does not hold */
    public CampaignStatus status(String campaignId) {
        CampaignSummary summary = store.campaignSummary(campaignId)
                .orElseThrow(() -> new UnknownCampaignException(campaignId));
        CampaignStatus.Builder status = CampaignStatus.newBuilder().setCampaignId(summary.id())
                .setName(summary.name()).setState(summary.state()).setJobsTotal(summary.total())
                .setJobsQueued(summary.queued()).setJobsRunning(summary.leased()).setJobsDone(summary.done())
                .setJobsFailed(summary.failed()).setCreatedUnixMs(summary.createdUnixMs());
        if (!summary.disconnectedTargets().isEmpty()) {
            status.setWaitingReason("waiting for agent(s) " + String.join(", ", summary.disconnectedTargets())
                    + " to connect");
        }
        for (JobOutcome o : summary.rows()) {
            status.addRows(ResultRow.newBuilder().setJobId(o.jobId()).setAgentName(o.agentName())
                    .setModelName(o.modelName()).setVariantRecipe(o.variantRecipe()).setBatchSize(o.batchSize())
                    .setIntraOpThreads(o.threads()).setFlops(o.flops()).setPeakGflops(o.peakGflops())
                    .setPredictedMs(o.predictedMs()).setP50Ms(o.p50Ms()).setP90Ms(o.p90Ms()).setP99Ms(o.p99Ms())
                    .setMeanMs(o.meanMs()).setThroughputSamplesPerS(o.throughputSamplesPerS()).setState(o.state())
                    .setFailureReason(o.failureReason()));
        }
        return status.build();
    }

    /** Every agent the store knows, connected or not, ordered by name. */
    public ListAgentsResponse listAgents() {
        ListAgentsResponse.Builder response = ListAgentsResponse.newBuilder();
        for (AgentView a : store.agents()) {
            var hw = a.hardware();
            response.addAgents(AgentInfo.newBuilder().setAgentId(a.id()).setName(a.name())
                    .setConnected(a.connected()).setLastSeenUnixMs(a.lastSeenUnixMs())
                    .setEngineVersion(a.engineVersion()).putAllLabels(a.labels())
                    .setHardware(Hardware.newBuilder().setCpuModel(hw.cpuModel()).setPhysicalCores(hw.physicalCores())
                            .setLogicalCores(hw.logicalCores()).setMaxFreqHz(hw.maxFreqHz())
                            .setMemoryBytes(hw.memoryBytes()).setOs(hw.os()).setArch(hw.arch())
                            .addAllIsaFeatures(hw.isaFeatures()).setPeakGflopsFp32(hw.peakGflopsFp32())
                            .setPeakBasis(hw.peakBasis()).setBoard(hw.board()).setFingerprint(hw.fingerprint())));
        }
        return response.build();
    }

    private static void validate(List<String> models, List<String> variants, List<Integer> batches,
                                 List<Integer> threads) {
        if (models.isEmpty()) {
            throw EdgeperfException.userError("a campaign needs at least one model: expected one of "
                    + String.join(", ", ModelZoo.names()));
        }
        models.forEach(ModelZoo::describe); // USER_ERROR naming the unknown model and the known ones
        for (String variant : variants) {
            if (!KNOWN_RECIPES.contains(variant)) {
                throw EdgeperfException.userError("unknown variant recipe '" + variant + "': expected one of "
                        + String.join(", ", KNOWN_RECIPES));
            }
        }
        if (batches.isEmpty()) {
            throw EdgeperfException.userError("a campaign needs at least one batch size");
        }
        for (int batch : batches) {
            if (batch < 1) {
                throw EdgeperfException.userError("batch sizes must be positive integers, got '" + batch + "'");
            }
        }
        for (int thread : threads) {
            if (thread < 0) {
                throw EdgeperfException.userError("intra-op threads must be >= 0 (0 = engine default), got '"
                        + thread + "'");
            }
        }
    }

    private static Measurement measurement(MeasurementSettings s) {
        try {
            return new Measurement(s.getWarmupIterations(), s.getMinIterations(), s.getMinDurationMs(),
                    s.getMaxDurationMs());
        } catch (IllegalArgumentException e) {
            throw EdgeperfException.userError(e.getMessage());
        }
    }

    private static String specJson(SubmitCampaignRequest r, List<String> variants, List<Integer> threads) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("models", r.getModelsList());
        spec.put("variants", variants);
        spec.put("batchSizes", r.getBatchSizesList());
        spec.put("intraOpThreads", threads);
        MeasurementSettings s = r.getSettings();
        spec.put("settings", Map.of("warmupIterations", s.getWarmupIterations(), "minIterations",
                s.getMinIterations(), "minDurationMs", s.getMinDurationMs(), "maxDurationMs", s.getMaxDurationMs()));
        try {
            return JSON.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw EdgeperfException.internal("cannot serialize campaign spec: " + e.getMessage(), e);
        }
    }
}
