package dev.edgeperf.coordinator.schedule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgeperf.coordinator.fleet.ConnectedAgent;
import dev.edgeperf.coordinator.fleet.FleetRegistry;
import dev.edgeperf.coordinator.fleet.Selector;
import dev.edgeperf.coordinator.store.AgentRecord;
import dev.edgeperf.coordinator.store.CampaignState;
import dev.edgeperf.coordinator.schedule.CampaignPlan.VariantBuild;
import dev.edgeperf.coordinator.store.CampaignSummary;
import dev.edgeperf.core.measure.MeasurementSettings;
import dev.edgeperf.coordinator.store.NewJob;
import dev.edgeperf.coordinator.store.Preparation;
import dev.edgeperf.coordinator.store.Store;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.io.Digests;
import dev.edgeperf.core.ErrorCategory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submit, cancel, list and status of campaigns. Submit plans the campaign ({@link CampaignPlanner}),
 * stores it in state {@code preparing} and returns; {@link VariantPreparation} builds its variants,
 * then its jobs are stored and handed to the {@link JobScheduler}.
 */
public final class Campaigns {
    /** Why a campaign found unfinished at start-up failed. */
    static final String INTERRUPTED = "the coordinator stopped while this campaign's variants were being prepared;"
            + " submit it again";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(Campaigns.class);

    private final Store store;
    private final FleetRegistry fleet;
    private final JobScheduler scheduler;
    private final CampaignPlanner planner;
    private final VariantPreparation preparation;

    /** Fails the preparations a previous coordinator process left unfinished. */
    public Campaigns(Store store, FleetRegistry fleet, JobScheduler scheduler, CampaignPlanner planner,
                     VariantPreparation preparation) {
        this.store = Objects.requireNonNull(store, "store is null");
        this.fleet = Objects.requireNonNull(fleet, "fleet is null");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler is null");
        this.planner = Objects.requireNonNull(planner, "planner is null");
        this.preparation = Objects.requireNonNull(preparation, "preparation is null");
        int interrupted = store.failInterruptedPreparations(INTERRUPTED);
        if (interrupted > 0) {
            LOG.warn("{} campaign(s) were being prepared when the coordinator stopped; marked failed", interrupted);
        }
    }

    /**
     * Plans and stores a campaign, and starts preparing its variants; returns before any is built.
     *
     * @throws EdgeperfException USER_ERROR for anything {@link CampaignPlanner#plan} rejects;
     *                           INSUFFICIENT_RESOURCES while the store is failing (see {@code StoreHealth})
     * @throws dev.edgeperf.coordinator.fleet.NoAgentConnectedException for {@code all} with no agent connected
     */
    public CampaignProgress submit(CampaignRequest submitted) {
        store.health().failure().ifPresent(reason -> {
            throw new EdgeperfException(ErrorCategory.INSUFFICIENT_RESOURCES,
                    "the coordinator's store is failing (" + reason + "); new campaigns are refused until it recovers");
        });
        Rebatching rebatching = new Rebatching(preparation.artifacts());
        Rebatching.Result rebatched = rebatching.apply(submitted);
        CampaignRequest request = rebatched.request();
        CampaignPlan plan = planner.plan(request, snapshot());
        preparation.checkEvaluations(request.models(), request.uploads(), request.evaluations(), rebatched::pending);
        preparation.checkUploads(request.uploads(), plan.inputs(), plan.batches(), rebatched::pending);
        // only now that every check has passed: a refusal leaves no rebatched file behind in the artifact store
        rebatching.store(rebatched);
        String id = UUID.randomUUID().toString();
        store.createPreparingCampaign(id, plan.name(), specJson(request, plan, rebatched), request.specSource(),
                plan.builds().size(), rebatched.notes());
        LOG.info("campaign {} '{}' submitted: {} variant(s) to prepare, then {} job(s)", id, plan.name(),
                plan.builds().size(), plan.jobCount());
        preparation.start(id, plan.builds(), plan.batches(), request.uploads(), plan.inputs(), request.calibrations(),
                request.evaluations(), request.training(), new Progress(id, plan, rebatched.notes()));
        return status(id);
    }

    /** The fleet as the planner sees it: connected agents, and label keys of every agent ever seen. */
    private FleetSnapshot snapshot() {
        Set<String> labelKeys = new HashSet<>();
        store.agents().forEach(a -> labelKeys.addAll(a.labels().keySet()));
        List<FleetSnapshot.Agent> connected = new ArrayList<>();
        for (ConnectedAgent a : fleet.connected()) {
            labelKeys.addAll(a.traits().labels().keySet());
            connected.add(new FleetSnapshot.Agent(a.id(), a.name(), a.traits()));
        }
        return new FleetSnapshot(connected, labelKeys);
    }

    /** One campaign's preparation, reported into the store. */
    private final class Progress implements VariantPreparation.Progress {
        private final String campaignId;
        private final CampaignPlan plan;
        private final List<String> notes;

        /** @param notes submit's notes (a rebatched model), kept first among the preparation's warnings */
        Progress(String campaignId, CampaignPlan plan, List<String> notes) {
            this.campaignId = campaignId;
            this.plan = plan;
            this.notes = List.copyOf(notes);
        }

        @Override
        public boolean step(int done, int total, String message) {
            // submit's notes stay in front, so that whichever message the submit reply reads carries them
            return store.preparationProgress(campaignId, done, notes.stream().map(w -> w + "; ")
                    .collect(java.util.stream.Collectors.joining()) + message);
        }

        @Override
        public void prepared(Map<VariantBuild, PreparedVariant> variants) {
            prepared(variants, Map.of());
        }

        @Override
        public void prepared(Map<VariantBuild, PreparedVariant> variants, Map<VariantBuild, String> skipped) {
            List<NewJob> jobs = planner.jobs(plan, variants, skipped.keySet());
            // under the lock cancel() takes, so that a cancel sees either no jobs or all of them queued
            synchronized (Campaigns.this) {
                List<String> warnings = java.util.stream.Stream.of(notes.stream(), skipped.values().stream(),
                        variants.values().stream().flatMap(v -> v.warnings().stream())).flatMap(s -> s).distinct()
                        .toList();
                if (!store.finishPreparation(campaignId, jobs, warnings)) {
                    LOG.info("campaign {} was cancelled while its variants were prepared; no job queued", campaignId);
                    return;
                }
                scheduler.enqueue(store.queuedJobs().stream().filter(j -> j.campaignId().equals(campaignId))
                        .toList());
            }
            LOG.info("campaign {}: {} job(s) queued", campaignId, jobs.size());
        }

        @Override
        public void failed(String reason) {
            store.failPreparation(campaignId, reason);
        }
    }

    /**
     * Cancels every open job of a campaign (and stops its preparation); agents running one finish
     * it, and its result is refused. An ended campaign (done, failed, cancelled) is a user error.
     *
     * @throws UnknownCampaignException for an id the store does not hold
     */
    public CampaignProgress cancel(String campaignId) {
        CampaignState state = status(campaignId).summary().state();
        if (state.ended()) {
            throw EdgeperfException.userError("campaign " + campaignId + " is already " + state
                    + "; nothing to cancel");
        }
        List<String> open;
        synchronized (this) {
            open = store.cancelCampaign(campaignId);
            scheduler.dropQueued(open);
        }
        LOG.info("campaign {} cancelled ({} open job(s))", campaignId, open.size());
        return status(campaignId);
    }

    /** Every campaign, newest first, without rows. */
    public List<CampaignProgress> list() {
        List<CampaignProgress> all = new ArrayList<>();
        for (CampaignSummary summary : store.campaignSummaries()) {
            all.add(progress(summary));
        }
        return all;
    }

    /** @throws UnknownCampaignException for an id the store does not hold */
    public CampaignProgress status(String campaignId) {
        return progress(store.campaignSummary(campaignId).orElseThrow(() -> new UnknownCampaignException(campaignId)));
    }

    /** The stored compute-latency histogram of a job's latest result, if it has one. */
    public java.util.Optional<dev.edgeperf.coordinator.store.StoredHistogram> latencyHistogram(String jobId) {
        return store.latencyHistogram(jobId);
    }

    /** The measured layers of a job's latest result with its lease's per-node estimates; empty without a result. */
    public java.util.Optional<dev.edgeperf.coordinator.store.StoredLayers> layers(String jobId) {
        return store.layers(jobId);
    }

    /** Every agent the store knows, connected or not, ordered by name. */
    public List<AgentRecord> agents() {
        return store.agents();
    }

    /** Done rows of every campaign whose result came from the agent named {@code agentName}. */
    public List<dev.edgeperf.coordinator.store.ResultRecord> deviceResults(String agentName) {
        return store.deviceResults(agentName);
    }

    /** Where the campaign's measured time goes vs where its FLOPs are, per op type. */
    public List<dev.edgeperf.coordinator.store.OpTypeShare> opTypeShares(String campaignId) {
        return store.opTypeShares(campaignId);
    }

    private CampaignProgress progress(CampaignSummary summary) {
        return new CampaignProgress(summary, waitingReason(summary));
    }

    private String waitingReason(CampaignSummary summary) {
        List<ConnectedAgent> connected = fleet.connected();
        List<String> unmatched = new ArrayList<>();
        for (String text : summary.queuedSelectors()) {
            Selector selector = Selector.parse(text);
            if (connected.stream().noneMatch(a -> selector.matches(a.traits()))) {
                unmatched.add(text);
            }
        }
        if (unmatched.isEmpty()) {
            return "";
        }
        return "waiting: " + unmatched.stream().map(s -> "selector " + s).collect(Collectors.joining(", "))
                + (unmatched.size() == 1 ? " matches" : " match") + " no connected agent";
    }

    private static String specJson(CampaignRequest r, CampaignPlan plan, Rebatching.Result rebatched) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("models", r.models());
        Map<String, Object> uploads = new LinkedHashMap<>();
        r.uploads().forEach((model, u) -> {
            // the user's file, as uploaded; a rebatched one (what the jobs run) beside it
            UploadedModel source = rebatched.sources().getOrDefault(model, u);
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("digest", source.inline() != null ? Digests.sha256Hex(source.inline()) : source.digest());
            file.put("sizeBytes", source.sizeBytes());
            if (source != u) {
                file.put("rebatchedDigest", u.digest());
                file.put("rebatchedSizeBytes", u.sizeBytes());
            }
            uploads.put(model, file);
        });
        if (!uploads.isEmpty()) {
            spec.put("uploads", uploads);
        }
        spec.put("variants", plan.builds().stream().map(VariantBuild::recipe).distinct().toList());
        spec.put("batchSizes", r.batches());
        spec.put("intraOpThreads", plan.threads());
        spec.put("modes", r.modes());
        spec.put("selectors", r.selectors());
        Map<String, String> inputs = new LinkedHashMap<>();
        plan.inputs().forEach((model, given) -> {
            if (!given.isEmpty()) {
                inputs.put(model, given.describe());
            }
        });
        if (!inputs.isEmpty()) {
            spec.put("inputs", inputs);
        }
        MeasurementSettings m = r.measurement();
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("warmupIterations", m.warmupIterations());
        settings.put("minIterations", m.minIterations());
        settings.put("minDurationMs", m.minDurationMs());
        settings.put("maxDurationMs", m.maxDurationMs());
        settings.put("targetCiHalfWidth", m.targetCiHalfWidth());
        settings.put("warmupUntilStable", m.warmupUntilStable());
        settings.put("inProcess", m.inProcess());
        spec.put("settings", settings);
        try {
            return JSON.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw EdgeperfException.internal("cannot serialize campaign spec: " + e.getMessage(), e);
        }
    }
}
