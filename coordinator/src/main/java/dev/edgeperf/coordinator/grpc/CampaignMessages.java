package dev.edgeperf.coordinator.grpc;

import dev.edgeperf.coordinator.http.DashboardData.AgentView;
import dev.edgeperf.coordinator.schedule.CampaignProgress;
import dev.edgeperf.coordinator.schedule.CampaignRequest;
import dev.edgeperf.coordinator.store.CampaignSummary;
import dev.edgeperf.coordinator.store.JobOutcome;
import dev.edgeperf.coordinator.store.Measurement;
import dev.edgeperf.coordinator.store.PreparationQueries.Preparation;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.proto.AgentInfo;
import dev.edgeperf.proto.CampaignStatus;
import dev.edgeperf.proto.Hardware;
import dev.edgeperf.proto.ListAgentsResponse;
import dev.edgeperf.proto.ListCampaignsResponse;
import dev.edgeperf.proto.MeasurementSettings;
import dev.edgeperf.proto.ModelFile;
import dev.edgeperf.proto.ResultRow;
import dev.edgeperf.proto.SubmitCampaignRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The campaign service's messages <-> the schedule package's records. */
public final class CampaignMessages {
    private CampaignMessages() {
    }

    /** @throws EdgeperfException USER_ERROR for measurement settings out of range */
    public static CampaignRequest request(SubmitCampaignRequest r) {
        Map<String, byte[]> uploads = new LinkedHashMap<>();
        for (ModelFile f : r.getModelFilesList()) {
            uploads.put(f.getName(), f.getOnnx().toByteArray());
        }
        return new CampaignRequest(r.getName(), r.getModelsList(), uploads, r.getVariantsList(),
                r.getBatchSizesList(), r.getIntraOpThreadsList(), r.getModesList(), r.getSelectorsList(),
                measurement(r.getSettings()), r.getSpecSource());
    }

    private static Measurement measurement(MeasurementSettings s) {
        try {
            return new Measurement(s.getWarmupIterations(), s.getMinIterations(), s.getMinDurationMs(),
                    s.getMaxDurationMs(), s.getTargetCiHalfWidth(), s.getWarmupUntilStable(), 0, s.getInProcess());
        } catch (IllegalArgumentException e) {
            throw EdgeperfException.userError(e.getMessage());
        }
    }

    public static ListCampaignsResponse list(List<CampaignProgress> campaigns) {
        ListCampaignsResponse.Builder response = ListCampaignsResponse.newBuilder();
        campaigns.forEach(c -> response.addCampaigns(status(c)));
        return response.build();
    }

    public static CampaignStatus status(CampaignProgress progress) {
        CampaignSummary summary = progress.summary();
        Preparation prep = progress.preparation();
        CampaignStatus.Builder status = CampaignStatus.newBuilder().setCampaignId(summary.id())
                .setName(summary.name()).setState(progress.state()).setJobsTotal(summary.total())
                .setJobsQueued(summary.queued()).setJobsRunning(summary.leased()).setJobsDone(summary.done())
                .setJobsFailed(summary.failed()).setJobsCancelled(summary.cancelled())
                .setCreatedUnixMs(summary.createdUnixMs()).setWaitingReason(progress.waitingReason())
                .setVariantsPrepared(prep.done()).setVariantsTotal(prep.total())
                .setPreparationMessage(prep.message()).setPreparationFailure(prep.failure());
        for (JobOutcome o : summary.rows()) {
            status.addRows(ResultRow.newBuilder().setJobId(o.jobId()).setAgentName(o.agentName())
                    .setModelName(o.modelName()).setVariantRecipe(o.variantRecipe()).setBatchSize(o.batchSize())
                    .setIntraOpThreads(o.usedThreads())
                    .setRequestedIntraOpThreads(o.requestedThreads()).setFlops(o.flops()).setPeakGflops(o.peakGflops())
                    .setPredictedMs(o.predictedMs()).setP50Ms(o.p50Ms()).setP90Ms(o.p90Ms()).setP99Ms(o.p99Ms())
                    .setMeanMs(o.meanMs()).setThroughputSamplesPerS(o.throughputSamplesPerS()).setState(o.state())
                    .setFailureReason(o.failureReason()).setAttempt(o.attempt()).setPeakBasis(o.peakBasis())
                    .setQueueWaitMs(o.queueWaitMs()).setMeasurementMs(o.measurementMs()).setSelector(o.selector())
                    .setConcurrency(o.concurrency()).setP999Ms(o.p999Ms()).setEndToEndP50Ms(o.endToEndP50Ms())
                    .setStopReason(o.stopReason()));
        }
        return status.build();
    }

    public static ListAgentsResponse agents(List<AgentView> agents) {
        ListAgentsResponse.Builder response = ListAgentsResponse.newBuilder();
        for (AgentView a : agents) {
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
}
