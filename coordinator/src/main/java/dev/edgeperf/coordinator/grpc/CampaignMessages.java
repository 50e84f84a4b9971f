package dev.edgeperf.coordinator.grpc;

import dev.edgeperf.coordinator.store.AgentRecord;
import dev.edgeperf.coordinator.schedule.CampaignProgress;
import dev.edgeperf.coordinator.schedule.CampaignRequest;
import dev.edgeperf.coordinator.schedule.ModelCalibration;
import dev.edgeperf.coordinator.store.CampaignSummary;
import dev.edgeperf.core.measure.MeasurementSettings;
import dev.edgeperf.coordinator.store.Preparation;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.proto.AgentInfo;
import dev.edgeperf.proto.CampaignStatus;
import dev.edgeperf.proto.Hardware;
import dev.edgeperf.proto.ListAgentsResponse;
import dev.edgeperf.proto.ListCampaignsResponse;
import dev.edgeperf.proto.ModelFile;
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
        Map<String, ModelCalibration> calibrations = new LinkedHashMap<>();
        for (dev.edgeperf.proto.ModelCalibration c : r.getCalibrationsList()) {
            Map<String, byte[]> files = new LinkedHashMap<>();
            c.getFilesList().forEach(f -> files.put(f.getName(), f.getData().toByteArray()));
            ModelCalibration calibration = new ModelCalibration(c.getSource(), c.getPreprocess(), files);
            // parsed now, so a source that cannot be is refused at submit rather than at preparation
            calibration.parse();
            calibrations.put(c.getModel(), calibration);
        }
        return new CampaignRequest(r.getName(), r.getModelsList(), uploads, r.getVariantsList(),
                r.getBatchSizesList(), r.getIntraOpThreadsList(), r.getModesList(), r.getSelectorsList(),
                MeasurementSettings.fromProto(r.hasSettings() ? r.getSettings() : null), r.getSpecSource(), calibrations);
    }

    public static ListCampaignsResponse list(List<CampaignProgress> campaigns) {
        ListCampaignsResponse.Builder response = ListCampaignsResponse.newBuilder();
        campaigns.forEach(c -> response.addCampaigns(status(c)));
        return response.build();
    }

    public static CampaignStatus status(CampaignProgress progress) {
        CampaignSummary summary = progress.summary();
        Preparation prep = summary.preparation();
        CampaignStatus.Builder status = CampaignStatus.newBuilder().setCampaignId(summary.id())
                .setName(summary.name()).setState(state(summary.state())).setJobsTotal(summary.total())
                .setJobsQueued(summary.queued()).setJobsRunning(summary.leased()).setJobsDone(summary.done())
                .setJobsFailed(summary.failed()).setJobsCancelled(summary.cancelled())
                .setCreatedUnixMs(summary.createdUnixMs()).setWaitingReason(progress.waitingReason())
                .setVariantsPrepared(prep.done()).setVariantsTotal(prep.total())
                .setPreparationMessage(prep.message()).setPreparationFailure(prep.failure());
        summary.rows().forEach(r -> status.addRows(ResultRows.toProto(r)));
        return status.build();
    }

    /** The wire value of a campaign state. */
    static dev.edgeperf.proto.CampaignState state(dev.edgeperf.coordinator.store.CampaignState state) {
        return dev.edgeperf.proto.CampaignState.valueOf("CAMPAIGN_STATE_" + state.name());
    }

    public static ListAgentsResponse agents(List<AgentRecord> agents) {
        ListAgentsResponse.Builder response = ListAgentsResponse.newBuilder();
        for (AgentRecord a : agents) {
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
