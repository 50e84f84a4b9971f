package dev.edgeperf.coordinator.schedule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.coordinator.artifacts.ArtifactStore;
import dev.edgeperf.coordinator.fleet.ConnectedAgent;
import dev.edgeperf.coordinator.fleet.FleetRegistry;
import dev.edgeperf.coordinator.fleet.NoAgentConnectedException;
import dev.edgeperf.coordinator.fleet.Selector;
import dev.edgeperf.coordinator.spec.Mode;
import dev.edgeperf.core.variants.VariantRecipe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.edgeperf.coordinator.store.AgentRecord;
import dev.edgeperf.coordinator.store.CampaignSummary;
import dev.edgeperf.coordinator.store.Measurement;
import dev.edgeperf.coordinator.store.NewJob;
import dev.edgeperf.coordinator.store.Store;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.cost.CountingConvention;
import dev.edgeperf.core.cost.ModelProfiler;
import dev.edgeperf.core.cost.ProfileOptions;
import dev.edgeperf.core.zoo.ModelZoo;
import dev.edgeperf.proto.AgentInfo;
import dev.edgeperf.proto.CampaignStatus;
import dev.edgeperf.proto.Hardware;
import dev.edgeperf.proto.ListAgentsResponse;
import dev.edgeperf.proto.ListCampaignsResponse;
import dev.edgeperf.proto.ModelFile;
import dev.edgeperf.proto.MeasurementSettings;
import dev.edgeperf.proto.SubmitCampaignRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Turns a campaign request into jobs: models x variants x batches x threads x modes x device
 * selectors, each with its FLOPs; reports, lists and cancels campaigns. Jobs for the selector
 * {@code all} are bound to each agent connected at submit time; jobs for any other selector wait
 * for the first idle connected agent that matches.
 */
public final class CampaignManager {
    /** Largest user model accepted with a campaign, bytes (it travels inside one gRPC message). */
    public static final int MAX_UPLOAD_BYTES = 12 * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(CampaignManager.class);

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
     * @throws EdgeperfException USER_ERROR for an unknown model/recipe/selector key/mode or a bad batch/thread count
     * @throws NoAgentConnectedException when the campaign targets "all" agents and none is connected
     */
    public CampaignStatus submit(SubmitCampaignRequest request) {
        store.health().failure().ifPresent(reason -> {
            throw new EdgeperfException(dev.edgeperf.core.ErrorCategory.INSUFFICIENT_RESOURCES,
                    "the coordinator's store is failing (" + reason + "); new campaigns are refused until it recovers");
        });
        Map<String, byte[]> uploads = new LinkedHashMap<>();
        for (ModelFile f : request.getModelFilesList()) {
            if (f.getOnnx().size() > MAX_UPLOAD_BYTES) {
                throw EdgeperfException.userError("model file '" + f.getName() + "' is " + f.getOnnx().size()
                        + " bytes; at most " + MAX_UPLOAD_BYTES + " bytes can be sent with a campaign");
            }
            uploads.put(f.getName(), f.getOnnx().toByteArray());
        }
        List<String> models = request.getModelsList();
        List<String> variants = request.getVariantsList().isEmpty() ? List.of("baseline") : request.getVariantsList();
        List<Integer> batches = request.getBatchSizesList();
        List<Integer> threads = request.getIntraOpThreadsList().isEmpty() ? List.of(0)
                : request.getIntraOpThreadsList();
        List<Mode> modes = (request.getModesList().isEmpty() ? List.of("latency") : request.getModesList()).stream()
                .map(Mode::parse).toList();
        validate(models, uploads, variants, batches, threads);
        Measurement measurement = measurement(request.getSettings());
        List<Target> targets = targets(request.getSelectorsList());
        List<NewJob> jobs = new ArrayList<>();
        for (String model : models) {
            byte[] baseline = uploads.containsKey(model) ? uploads.get(model) : modelSource.apply(model);
            for (String variant : variants) {
                byte[] bytes = buildVariant(baseline, model, variant);
                String digest = artifacts.put(bytes);
                Map<Integer, Long> flopsByBatch = new HashMap<>();
                for (int batch : batches) {
                    long flops = flopsByBatch.computeIfAbsent(batch, b -> flops(bytes, baseline, model, variant, b));
                    for (int thread : threads) {
                        for (Mode mode : modes) {
                            for (Target target : targets) {
                                jobs.add(new NewJob(UUID.randomUUID().toString(), target.agentId(), target.selector(),
                                        model, digest, bytes.length, variant, batch, thread,
                                        measurement.withConcurrency(mode.concurrency()), flops));
                            }
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
        store.insertCampaign(id, name, specJson(request, variants, threads), request.getSpecSource(), jobs);
        scheduler.enqueue(store.queuedJobs().stream().filter(j -> j.campaignId().equals(id)).toList());
        return status(id);
    }

    /** A selector's jobs: bound to one agent ("all" expanded) or open to any match. */
    private record Target(String agentId, String selector) {
    }

    private List<Target> targets(List<String> selectors) {
        List<String> texts = selectors.isEmpty() ? List.of(Selector.ALL) : selectors;
        Set<String> labelKeys = new HashSet<>();
        store.agents().forEach(a -> labelKeys.addAll(a.labels().keySet()));
        fleet.connected().forEach(a -> labelKeys.addAll(a.traits().labels().keySet()));
        List<Target> targets = new ArrayList<>();
        for (String text : texts) {
            if (text.strip().equals(Selector.ALL)) {
                List<ConnectedAgent> agents = fleet.connected();
                if (agents.isEmpty()) {
                    throw new NoAgentConnectedException();
                }
                agents.forEach(a -> targets.add(new Target(a.id(), "name=" + a.name())));
                continue;
            }
            Selector selector = Selector.parse(text);
            List<String> unknown = selector.unknownKeys(labelKeys);
            if (!unknown.isEmpty()) {
                throw EdgeperfException.userError("unknown selector key '" + unknown.get(0)
                        + "' (expected one of board, arch, isa, name or a label)");
            }
            targets.add(new Target(null, selector.toString()));
        }
        return targets;
    }

    private static byte[] buildVariant(byte[] baseline, String model, String variant) {
        try {
            return ModelBuilder.variant(baseline, model, variant);
        } catch (EdgeperfException e) {
            throw e;
        } catch (RuntimeException e) {
            throw EdgeperfException.userError("variant '" + variant + "' cannot be built from model " + model + ": "
                    + e.getMessage());
        }
    }

    private static long flops(byte[] variantBytes, byte[] baseline, String model, String variant, int batch) {
        ProfileOptions options = new ProfileOptions(batch, Map.of(), CountingConvention.SEED);
        try {
            return ModelProfiler.profile(variantBytes, model + " " + variant, options).totalFlops();
        } catch (RuntimeException e) {
            // A transformed graph may hold ops the profiler does not count; the baseline's FLOPs are
            // then the reference the prediction is made from (logged, not silent).
            LOG.warn("cannot profile {} {}: {}; predicting from the baseline's FLOPs", model, variant, e.getMessage());
            return ModelProfiler.profile(baseline, model, options).totalFlops();
        }
    }

    /**
     * Cancels every open job of a campaign; agents running one finish it, and its result is refused.
     * An ended campaign (done, failed, cancelled) stays as it is: that is a user error.
     *
     * @throws UnknownCampaignException for an id the store does not hold
     */
    public CampaignStatus cancel(String campaignId) {
        CampaignSummary summary = store.campaignSummary(campaignId)
                .orElseThrow(() -> new UnknownCampaignException(campaignId));
        if (summary.state().ended()) {
            throw EdgeperfException.userError("campaign " + campaignId + " is already " + summary.state()
                    + "; nothing to cancel");
        }
        List<String> open = store.cancelCampaign(campaignId);
        scheduler.dropQueued(open);
        LOG.info("campaign {} cancelled ({} open job(s))", campaignId, open.size());
        return status(campaignId);
    }

    /** Every campaign, newest first, without rows. */
    public ListCampaignsResponse list() {
        ListCampaignsResponse.Builder response = ListCampaignsResponse.newBuilder();
        for (CampaignSummary summary : store.campaignSummaries()) {
            response.addCampaigns(toStatus(summary));
        }
        return response.build();
    }

    /** @throws UnknownCampaignException for an id the store does not hold */
    public CampaignStatus status(String campaignId) {
        return toStatus(store.campaignSummary(campaignId).orElseThrow(() -> new UnknownCampaignException(campaignId)));
    }

    private CampaignStatus toStatus(CampaignSummary summary) {
        CampaignStatus.Builder status = CampaignStatus.newBuilder().setCampaignId(summary.id())
                .setName(summary.name()).setState(dev.edgeperf.proto.CampaignState.valueOf("CAMPAIGN_STATE_"
                        + summary.state().name())).setJobsTotal(summary.total())
                .setJobsQueued(summary.queued()).setJobsRunning(summary.leased()).setJobsDone(summary.done())
                .setJobsFailed(summary.failed()).setJobsCancelled(summary.cancelled())
                .setCreatedUnixMs(summary.createdUnixMs());
        List<ConnectedAgent> connected = fleet.connected();
        List<String> unmatched = new ArrayList<>();
        for (String text : summary.queuedSelectors()) {
            Selector selector = Selector.parse(text);
            if (connected.stream().noneMatch(a -> selector.matches(a.traits()))) {
                unmatched.add(text);
            }
        }
        if (!unmatched.isEmpty()) {
            status.setWaitingReason("waiting: " + unmatched.stream().map(s -> "selector " + s)
                    .collect(Collectors.joining(", ")) + (unmatched.size() == 1 ? " matches" : " match")
                    + " no connected agent");
        }
        summary.rows().forEach(r -> status.addRows(dev.edgeperf.coordinator.grpc.ResultRows.toProto(r)));
        return status.build();
    }

    /** Every agent the store knows, connected or not, ordered by name. */
    public ListAgentsResponse listAgents() {
        ListAgentsResponse.Builder response = ListAgentsResponse.newBuilder();
        for (AgentRecord a : store.agents()) {
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

    private static void validate(List<String> models, Map<String, byte[]> uploads, List<String> variants,
                                 List<Integer> batches, List<Integer> threads) {
        if (models.isEmpty()) {
            throw EdgeperfException.userError("a campaign needs at least one model: expected one of "
                    + String.join(", ", ModelZoo.names()) + " or an .onnx file");
        }
        for (String model : models) {
            if (!uploads.containsKey(model)) {
                ModelZoo.describe(model); // USER_ERROR naming the unknown model and the known ones
            }
        }
        variants.forEach(VariantRecipe::parse); // USER_ERROR naming the recipe and the accepted forms
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
                    s.getMaxDurationMs(), s.getTargetCiHalfWidth(), s.getWarmupUntilStable(), 0, s.getInProcess());
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
        spec.put("modes", r.getModesList());
        spec.put("selectors", r.getSelectorsList());
        MeasurementSettings s = r.getSettings();
        spec.put("settings", Map.of("warmupIterations", s.getWarmupIterations(), "minIterations",
                s.getMinIterations(), "minDurationMs", s.getMinDurationMs(), "maxDurationMs", s.getMaxDurationMs(),
                "targetCiHalfWidth", s.getTargetCiHalfWidth(), "warmupUntilStable", s.getWarmupUntilStable(),
                "inProcess", s.getInProcess()));
        try {
            return JSON.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw EdgeperfException.internal("cannot serialize campaign spec: " + e.getMessage(), e);
        }
    }
}
