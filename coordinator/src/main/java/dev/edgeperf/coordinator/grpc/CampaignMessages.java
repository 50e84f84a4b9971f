package dev.edgeperf.coordinator.grpc;

import dev.edgeperf.coordinator.store.AgentRecord;
import dev.edgeperf.coordinator.schedule.CampaignProgress;
import dev.edgeperf.coordinator.schedule.CampaignRequest;
import dev.edgeperf.coordinator.schedule.ModelCalibration;
import dev.edgeperf.coordinator.schedule.TrainingData;
import dev.edgeperf.coordinator.store.CampaignSummary;
import dev.edgeperf.core.measure.MeasurementSettings;
import dev.edgeperf.coordinator.store.Preparation;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.onnx.ModelInputs;
import dev.edgeperf.proto.AgentInfo;
import dev.edgeperf.proto.CampaignStatus;
import dev.edgeperf.proto.Hardware;
import dev.edgeperf.proto.ListAgentsResponse;
import dev.edgeperf.proto.ListCampaignsResponse;
import dev.edgeperf.proto.ModelFile;
import dev.edgeperf.proto.ModelInputSizes;
import dev.edgeperf.proto.Shape;
import dev.edgeperf.proto.ExternalDataFile;
import dev.edgeperf.coordinator.artifacts.ArtifactStore;
import dev.edgeperf.coordinator.schedule.UploadedModel;
import dev.edgeperf.core.onnx.ExternalData;
import java.util.ArrayList;
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
        Map<String, UploadedModel> uploads = new LinkedHashMap<>();
        for (ModelFile f : r.getModelFilesList()) {
            uploads.put(f.getName(), upload(f));
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
        Map<String, ModelCalibration> evaluations = new LinkedHashMap<>();
        for (dev.edgeperf.proto.ModelCalibration c : r.getEvaluationsList()) {
            Map<String, byte[]> files = new LinkedHashMap<>();
            c.getFilesList().forEach(f -> files.put(f.getName(), f.getData().toByteArray()));
            ModelCalibration evaluation = new ModelCalibration(c.getSource(), c.getPreprocess(), files);
            evaluation.parse();
            evaluations.put(c.getModel(), evaluation);
        }
        Map<String, ModelInputs> inputs = new LinkedHashMap<>();
        r.getModelInputsMap().forEach((model, sizes) -> {
            Map<String, long[]> shapes = new LinkedHashMap<>();
            sizes.getShapesMap().forEach((input, shape) -> shapes.put(input,
                    shape.getDimsList().stream().mapToLong(Long::longValue).toArray()));
            Map<String, long[]> values = new LinkedHashMap<>();
            sizes.getValuesMap().forEach((input, v) -> values.put(input,
                    v.getValuesList().stream().mapToLong(Long::longValue).toArray()));
            try {
                inputs.put(model, new ModelInputs(shapes, sizes.getDimsMap(), values));
            } catch (EdgeperfException e) {
                throw EdgeperfException.userError("model " + model + ": " + e.getMessage());
            }
        });
        return new CampaignRequest(r.getName(), r.getModelsList(), uploads, r.getVariantsList(),
                r.getBatchSizesList(), r.getIntraOpThreadsList(), r.getModesList(), r.getSelectorsList(),
                MeasurementSettings.fromProto(r.hasSettings() ? r.getSettings() : null), r.getSpecSource(), inputs,
                calibrations, evaluations, r.getTraining().isEmpty() ? null
                        : new TrainingData(r.getTraining(), r.getTrainImages()));
    }

    /** The wire form of a shape. */
    public static Shape shape(long[] dims) {
        Shape.Builder shape = Shape.newBuilder();
        for (long d : dims) {
            shape.addDims(d);
        }
        return shape.build();
    }

    /** The wire form of one input's values. */
    public static dev.edgeperf.proto.InputValues values(long[] values) {
        dev.edgeperf.proto.InputValues.Builder out = dev.edgeperf.proto.InputValues.newBuilder();
        for (long v : values) {
            out.addValues(v);
        }
        return out.build();
    }

    /** The wire form of the input sizes given for one model. */
    public static ModelInputSizes sizes(ModelInputs inputs) {
        ModelInputSizes.Builder sizes = ModelInputSizes.newBuilder().putAllDims(inputs.dims());
        inputs.shapes().forEach((name, dims) -> sizes.putShapes(name, shape(dims)));
        inputs.values().forEach((name, v) -> sizes.putValues(name, values(v)));
        return sizes.build();
    }

    /** @throws EdgeperfException USER_ERROR for a malformed digest or external-data entry */
    static UploadedModel upload(ModelFile f) {
        if (f.getDigest().isEmpty()) {
            return UploadedModel.inline(f.getOnnx().toByteArray());
        }
        if (!f.getOnnx().isEmpty()) {
            throw EdgeperfException.userError("model file '" + f.getName() + "' has both a digest and inline bytes;"
                    + " expected one of them");
        }
        List<ArtifactStore.ExternalFile> external = new ArrayList<>();
        for (ExternalDataFile e : f.getExternalDataList()) {
            try {
                ExternalData.checkLocation(e.getName(), f.getName());
                external.add(new ArtifactStore.ExternalFile(e.getName(), e.getDigest(), e.getSizeBytes()));
            } catch (IllegalArgumentException ex) {
                throw EdgeperfException.userError("model file '" + f.getName() + "': external data '"
                        + e.getName().replaceAll("\\p{Cntrl}", "?") + "' has digest '" + e.getDigest()
                        + "'; expected 64 lower-case hex characters");
            }
        }
        if (!ArtifactStore.isDigest(f.getDigest())) {
            throw EdgeperfException.userError("model file '" + f.getName() + "' has digest '" + f.getDigest()
                    + "'; expected 64 lower-case hex characters");
        }
        return UploadedModel.stored(f.getDigest(), f.getSizeBytes(), external);
    }

    public static ListCampaignsResponse list(List<CampaignProgress> campaigns) {
        ListCampaignsResponse.Builder response = ListCampaignsResponse.newBuilder();
        campaigns.forEach(c -> response.addCampaigns(status(c)));
        return response.build();
    }

    /** As {@link #status(CampaignProgress)}, with the campaign's op type shares. */
    public static CampaignStatus status(CampaignProgress progress, List<dev.edgeperf.coordinator.store.OpTypeShare> ops) {
        CampaignStatus.Builder status = status(progress).toBuilder();
        ops.forEach(o -> status.addOpTypes(dev.edgeperf.proto.OpTypeShare.newBuilder().setOpType(o.opType())
                .setMeasuredUs(o.measuredUs()).setFlops(o.flops())));
        return status.build();
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
            a.calibration().ifPresent(c -> response.getAgentsBuilder(response.getAgentsCount() - 1).setCalibration(
                    dev.edgeperf.proto.Calibration.newBuilder().setMatmulGflops(c.matmulGflops())
                            .setConvGflops(c.convGflops()).setMemoryGbPerS(c.memoryGbPerS())
                            .setCallOverheadUs(c.callOverheadUs()).setNodeOverheadUs(c.nodeOverheadUs())
                            .setThreads(c.threads()).setMeasuredUnixMs(c.measuredUnixMs())
                            .setHardwareFingerprint(c.hardwareFingerprint()).setEngineVersion(c.engineVersion())));
        }
        return response.build();
    }
}
